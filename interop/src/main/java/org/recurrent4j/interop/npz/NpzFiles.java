package org.recurrent4j.interop.npz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.NamedTensors;
import org.recurrent4j.io.AtomicFile;

/**
 * NumPy's {@code .npz} archives ({@code np.savez} and {@code np.savez_compressed}): a zip of one
 * {@code NAME.npy} per array.
 *
 * <p>Reading refuses, with the file and array named: a file that is not a zip, members that are
 * not {@code .npy}, object arrays ({@code allow_pickle}; they hold pickles, which are never run),
 * structured and string types, and arrays declaring more data than their member holds (a
 * compressed member is allowed at most deflate's 1032:1 ratio). ND4J's {@code
 * Nd4j.createFromNpzFile} is not used: it reads only uncompressed {@code float} and {@code
 * double} members and reports damage without naming the array.
 *
 * <pre>{@code
 * NamedTensors t = NpzFiles.read(Path.of("lstm.npz"));     // np.savez("lstm.npz", **state_dict)
 * NpzFiles.write(Path.of("out.npz"), PyTorchExport.stateDict(net));
 * }</pre>
 */
public final class NpzFiles {

    /** Deflate's largest possible compression ratio. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private NpzFiles() {}

    /** Reads every array of {@code file}, named as {@code np.savez} named them. */
    public static NamedTensors read(Path file) throws IOException {
        long fileSize = Files.size(file);
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String member = entry.getName();
                if (!member.endsWith(".npy")) {
                    throw InteropException.at(
                            file, "member " + member, "not a .npy array (an .npz holds NAME.npy members only)");
                }
                String name = member.substring(0, member.length() - 4);
                long limit = entry.getMethod() == ZipEntry.STORED
                        ? Math.min(entry.getSize() < 0 ? fileSize : entry.getSize(), fileSize)
                        : Math.min(
                                entry.getSize() < 0 ? Long.MAX_VALUE : entry.getSize(), MAX_DEFLATE_RATIO * fileSize);
                try (InputStream in = zip.getInputStream(entry)) {
                    arrays.put(name, NpyFormat.read(in, file + ": array " + name, limit));
                } catch (InteropException e) {
                    throw e;
                } catch (IOException e) {
                    throw InteropException.at(file, "array " + name, "damaged zip member (" + e + ")");
                }
            }
        } catch (InteropException e) {
            throw e;
        } catch (IOException e) {
            // ZipFile reports damage as ZipException or EOFException.
            throw InteropException.in(file, "not an .npz file (not a readable zip: " + e + ")");
        }
        return new NamedTensors(file, arrays);
    }

    /** Writes {@code arrays} (float32 or float64) to {@code file} as {@code np.savez} does (uncompressed), atomically. */
    public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
        AtomicFile.writeStream(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTime(0);
                zip.putNextEntry(entry);
                NpyFormat.write(zip, e.getValue(), e.getKey());
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
