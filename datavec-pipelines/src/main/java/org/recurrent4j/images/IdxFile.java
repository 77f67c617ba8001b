package org.recurrent4j.images;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * A file in the IDX format of MNIST (LeCun et al.): a header, then the values, big-endian.
 *
 * <pre>
 *   magic: 0x00 0x00 type rank      type 0x08 = unsigned byte (the only type MNIST uses)
 *   rank × int32                    the dimensions, e.g. [60000, 28, 28] for images, [60000] for labels
 *   values                          row-major, one byte each
 * </pre>
 *
 * <p>The file may be gzip-compressed (a name ending in {@code .gz}). The header is checked before
 * anything is read: a wrong magic, type or rank, a dimension below 1, more values than {@code
 * maxValues}, or a file that ends early (or holds more than its header says) is an {@link
 * IOException} naming the file and what was found.
 *
 * <pre>{@code
 * IdxFile images = IdxFile.read(Path.of("train-images-idx3-ubyte.gz"), 1L << 30);
 * images.dimensions();       // [60000, 28, 28]
 * images.value(0, 14 * 28 + 14);
 * }</pre>
 *
 * @param file where it was read from (for messages)
 * @param dimensions the dimensions from the header
 * @param values every value, unsigned, row-major
 */
public record IdxFile(Path file, int[] dimensions, byte[] values) {

    /** The type code of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;

    /** Reads a whole IDX file of unsigned bytes, refusing one that declares more than {@code maxValues}. */
    public static IdxFile read(Path file, long maxValues) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = new BufferedInputStream(
                        file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
            DataInputStream data = new DataInputStream(in);
            int magic;
            try {
                magic = data.readInt();
            } catch (EOFException e) {
                throw new IOException(file + ": not an IDX file (shorter than its 4-byte magic number)");
            }
            if ((magic >>> 16) != 0
                    || ((magic >>> 8) & 0xff) != UNSIGNED_BYTE
                    || (magic & 0xff) < 1
                    || (magic & 0xff) > 4) {
                throw new IOException(String.format(
                        "%s: not an IDX file of unsigned bytes: magic number 0x%08x, expected 0x000008NN with"
                                + " rank NN from 1 to 4 (0x00000803 for images, 0x00000801 for labels)",
                        file, magic));
            }
            int[] dims = new int[magic & 0xff];
            long count = 1;
            for (int i = 0; i < dims.length; i++) {
                try {
                    dims[i] = data.readInt();
                } catch (EOFException e) {
                    throw new IOException(
                            file + ": the header ends before dimension " + (i + 1) + " of " + dims.length);
                }
                if (dims[i] < 1) {
                    throw new IOException(file + ": dimension " + (i + 1) + " is " + dims[i] + ", must be at least 1");
                }
                count *= dims[i];
                if (count > maxValues || count > Integer.MAX_VALUE - 8) {
                    throw new IOException(file + ": declares dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                            + "..., more than the " + Math.min(maxValues, Integer.MAX_VALUE - 8L)
                            + " values allowed (DataLimits.maxExtractedBytes)");
                }
            }
            byte[] values = new byte[(int) count];
            try {
                data.readFully(values);
            } catch (EOFException e) {
                throw new IOException(file + ": ends before its " + count + " values " + Arrays.toString(dims)
                        + " (truncated download?)");
            }
            if (data.read() != -1) {
                throw new IOException(file + ": holds more bytes than the " + count + " values its header "
                        + Arrays.toString(dims) + " declares");
            }
            return new IdxFile(file, dims, values);
        }
    }

    /** The number of items (the first dimension). */
    public int items() {
        return dimensions[0];
    }

    /** The values per item (the product of the other dimensions). */
    public int itemSize() {
        return values.length / dimensions[0];
    }

    /** Value {@code index} of item {@code item}, in [0, 255]. */
    public int value(int item, int index) {
        return values[item * itemSize() + index] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxFile other
                && file.equals(other.file)
                && Arrays.equals(dimensions, other.dimensions)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * file.hashCode() + Arrays.hashCode(dimensions)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "IdxFile[" + file + ", " + Arrays.toString(dimensions) + "]";
    }
}
