package org.recurrent4j.interop.npz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.interop.ElementType;
import org.recurrent4j.interop.InteropException;

/**
 * NumPy's {@code .npy} format, one array: the magic {@code \x93NUMPY}, a version, a header length,
 * a Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}, then
 * the raw data. Simple numeric types only (float64/32/16, signed and unsigned 8-bit, int16/32/64,
 * bool, either byte order, C or Fortran order); object arrays (which hold pickles), structured and
 * string types are refused.
 */
final class NpyFormat {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFormat() {}

    /**
     * Reads one array from {@code in}.
     *
     * @param where the array's place for messages ({@code "file.npz: array name"})
     * @param limit the most data bytes the array may declare (from the size of its container)
     */
    static INDArray read(InputStream in, String where, long limit) throws IOException {
        byte[] magic = readExactly(in, 8, where, "magic");
        if (!Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
            throw new InteropException(where + ": not a .npy array (no \\x93NUMPY magic)");
        }
        int major = magic[6];
        int headerLength;
        if (major == 1) {
            byte[] b = readExactly(in, 2, where, "header length");
            headerLength = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = readExactly(in, 4, where, "header length");
            long length = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            if (length > 1 << 20) {
                throw new InteropException(where + ": header length " + length + " is not a .npy header's");
            }
            headerLength = (int) length;
        } else {
            throw new InteropException(where + ": .npy version " + major + " (known: 1, 2, 3)");
        }
        String header = new String(readExactly(in, headerLength, where, "header"), StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new InteropException(where + ": header " + header.strip() + " lacks descr, fortran_order or shape");
        }
        ElementType type = elementType(descr.group(1), where);
        ByteOrder order = descr.group(1).startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long[] shape = shape(shapeText.group(1), where);
        long count = ElementType.count(shape);
        if (count < 0) {
            throw new InteropException(
                    where + ": shape " + Arrays.toString(shape) + " declares more elements than one array holds");
        }
        long bytes = count * type.bytes();
        if (bytes > limit) {
            throw new InteropException(where + ": shape " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes of data, more than the file can hold (" + limit + ")");
        }
        byte[] data = readExactly(in, (int) bytes, where, "data");
        return type.decode(ByteBuffer.wrap(data), order, shape, fortran.group(1).equals("True") ? 'f' : 'c');
    }

    /** Writes {@code array} (float32 or float64) as version 1.0, little-endian, C order. */
    static void write(OutputStream out, INDArray array, String name) throws IOException {
        String descr =
                switch (array.dataType()) {
                    case FLOAT -> "<f4";
                    case DOUBLE -> "<f8";
                    default -> throw new IllegalArgumentException("array " + name + ": type " + array.dataType()
                            + " cannot be written (float32 and float64 only)");
                };
        StringBuilder shape = new StringBuilder();
        for (long d : array.shape()) {
            shape.append(d).append(", ");
        }
        String dims =
                array.rank() == 1 ? shape.toString().strip() : shape.substring(0, Math.max(0, shape.length() - 2));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        // The header (magic, version, length, dict, padding, newline) fills a multiple of 64 bytes.
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String padded = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) (padded.length() & 0xff), (byte) (padded.length() >> 8)});
        out.write(padded.getBytes(StandardCharsets.ISO_8859_1));
        INDArray c = array.dup('c');
        ByteBuffer b =
                ByteBuffer.allocate((int) (c.length() * c.dataType().width())).order(ByteOrder.LITTLE_ENDIAN);
        if (c.dataType() == DataType.DOUBLE) {
            for (double v : c.data().asDouble()) {
                b.putDouble(v);
            }
        } else {
            for (float v : c.data().asFloat()) {
                b.putFloat(v);
            }
        }
        out.write(b.array());
    }

    private static ElementType elementType(String descr, String where) throws InteropException {
        String code = descr.length() == 3 ? descr.substring(1) : descr;
        return switch (code) {
            case "f8" -> ElementType.FLOAT64;
            case "f4" -> ElementType.FLOAT32;
            case "f2" -> ElementType.FLOAT16;
            case "i8" -> ElementType.INT64;
            case "i4" -> ElementType.INT32;
            case "i2" -> ElementType.INT16;
            case "i1" -> ElementType.INT8;
            case "u1" -> ElementType.UINT8;
            case "b1" -> ElementType.BOOL;
            default -> throw new InteropException(
                    where + ": dtype '" + descr
                            + "' is not read (float64/32/16, int64/32/16/8, uint8, bool only; object arrays hold pickles and are refused)");
        };
    }

    private static long[] shape(String text, String where) throws InteropException {
        String[] parts = text.split(",");
        long[] dims = new long[parts.length];
        int n = 0;
        for (String p : parts) {
            String d = p.strip();
            if (d.isEmpty()) {
                continue;
            }
            if (!d.matches("\\d{1,12}L?")) {
                throw new InteropException(where + ": shape (" + text + ") is not a tuple of sizes");
            }
            dims[n++] = Long.parseLong(d.replace("L", ""));
        }
        return Arrays.copyOf(dims, n);
    }

    private static byte[] readExactly(InputStream in, int n, String where, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, 1 << 16));
        byte[] buffer = new byte[8192];
        int left = n;
        while (left > 0) {
            int r = in.read(buffer, 0, Math.min(buffer.length, left));
            if (r < 0) {
                throw new InteropException(
                        where + ": truncated in its " + what + " (" + (n - left) + " of " + n + " bytes)");
            }
            out.write(buffer, 0, r);
            left -= r;
        }
        return out.toByteArray();
    }
}
