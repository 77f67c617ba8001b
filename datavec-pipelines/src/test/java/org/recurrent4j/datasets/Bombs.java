package org.recurrent4j.datasets;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Archives that are small on disk and huge when expanded, built without compressing the huge
 * content: a deflate stream of zeros is a run of identical, independent blocks (each ends with a
 * full flush, so none refers back to another), repeated as often as needed.
 */
final class Bombs {

    private static final int CHUNK = 1 << 20;
    private static final byte[] ZEROS = new byte[CHUNK];
    private static final byte[] FINAL_EMPTY_BLOCK = {0x03, 0x00};

    private Bombs() {}

    /** A zip with one entry, {@code name}, of {@code mebibytes} MiB of zeros (deflated; under 4 GiB). */
    static byte[] zip(String name, int mebibytes) {
        long size = (long) mebibytes * CHUNK;
        if (size >= 1L << 32) {
            throw new IllegalArgumentException("needs zip64; keep it under 4 GiB");
        }
        byte[] data = deflatedZeros(new byte[0], mebibytes, 0);
        long crc = crcOfZeros(new byte[0], mebibytes, 0);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer zip =
                ByteBuffer.allocate(data.length + 2 * nameBytes.length + 200).order(ByteOrder.LITTLE_ENDIAN);
        zip.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8);
        zip.putShort((short) 0).putShort((short) 0x21); // 1980-01-01 00:00
        zip.putInt((int) crc).putInt(data.length).putInt((int) size);
        zip.putShort((short) nameBytes.length)
                .putShort((short) 0)
                .put(nameBytes)
                .put(data);
        int centralStart = zip.position();
        zip.putInt(0x02014b50)
                .putShort((short) 20)
                .putShort((short) 20)
                .putShort((short) 0)
                .putShort((short) 8);
        zip.putShort((short) 0).putShort((short) 0x21);
        zip.putInt((int) crc).putInt(data.length).putInt((int) size);
        zip.putShort((short) nameBytes.length).putShort((short) 0).putShort((short) 0);
        zip.putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(nameBytes);
        int centralSize = zip.position() - centralStart;
        zip.putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 1)
                .putShort((short) 1);
        zip.putInt(centralSize).putInt(centralStart).putShort((short) 0);
        byte[] bytes = new byte[zip.position()];
        zip.flip().get(bytes);
        return bytes;
    }

    /** A tar.gz with one entry, {@code name}, of {@code mebibytes} MiB of zeros. */
    static byte[] tarGz(String name, int mebibytes) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize((long) mebibytes * CHUNK);
        byte[] header = new byte[512];
        entry.writeEntryHeader(header);
        int trailer = 1024; // the two zero records that end a tar
        byte[] data = deflatedZeros(header, mebibytes, trailer);
        long crc = crcOfZeros(header, mebibytes, trailer);
        long size = header.length + (long) mebibytes * CHUNK + trailer;
        ByteBuffer gz = ByteBuffer.allocate(data.length + 18).order(ByteOrder.LITTLE_ENDIAN);
        gz.put(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
        gz.put(data).putInt((int) crc).putInt((int) size);
        return gz.array();
    }

    /** Raw deflate of {@code head}, {@code chunks} MiB of zeros and {@code tail} more zeros. */
    private static byte[] deflatedZeros(byte[] head, int chunks, int tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (head.length > 0) {
            out.writeBytes(flushed(head));
        }
        byte[] chunk = flushed(ZEROS);
        for (int i = 0; i < chunks; i++) {
            out.writeBytes(chunk);
        }
        if (tail > 0) {
            out.writeBytes(flushed(new byte[tail]));
        }
        out.writeBytes(FINAL_EMPTY_BLOCK);
        return out.toByteArray();
    }

    /** Deflate blocks of {@code input}, not final, ending in a full flush. */
    private static byte[] flushed(byte[] input) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        deflater.end();
        return out.toByteArray();
    }

    private static long crcOfZeros(byte[] head, int chunks, int tail) {
        CRC32 crc = new CRC32();
        crc.update(head);
        for (int i = 0; i < chunks; i++) {
            crc.update(ZEROS);
        }
        crc.update(ZEROS, 0, tail);
        return crc.getValue();
    }
}
