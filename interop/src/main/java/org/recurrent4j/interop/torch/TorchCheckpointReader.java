package org.recurrent4j.interop.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.razorvine.pickle.objects.ClassDict;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.recurrent4j.interop.ElementType;
import org.recurrent4j.interop.InteropException;
import org.recurrent4j.interop.NamedTensors;

/**
 * Reads the tensors of a {@code torch.save} file (PyTorch 1.6 and later: a zip of {@code
 * ARCHIVE/data.pkl}, the pickled object, and {@code ARCHIVE/data/KEY}, one raw storage per key),
 * without running anything: the pickle is read as data ({@link TorchPickle}).
 *
 * <p>The object may be a {@code state_dict} ({@code torch.save(model.state_dict(), f)}) or dicts
 * holding one ({@code {"model": sd, "epoch": 3}}): nested dicts are flattened with dots
 * ({@code model.lstm.weight_ih_l0}), and values that are not tensors are left out. Refused with the
 * file named: the legacy format (before 1.6, or {@code _use_new_zipfile_serialization=False}), a
 * pickled module ({@code torch.save(model, f)}) or TorchScript archive, storages missing or shorter
 * than a tensor's view of them.
 *
 * <pre>{@code
 * NamedTensors sd = TorchCheckpointReader.read(Path.of("model.pt"));
 * INDArray w = sd.get("lstm.weight_ih_l0");     // [4·H, nIn]
 * }</pre>
 */
public final class TorchCheckpointReader {

    private TorchCheckpointReader() {}

    /** Reads every tensor of {@code file}. */
    public static NamedTensors read(Path file) throws IOException {
        byte[] head = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 2) < 2) {
                throw InteropException.in(file, "not a torch.save file: shorter than its magic");
            }
        }
        if (head[0] == (byte) 0x80) {
            throw InteropException.in(
                    file,
                    "a legacy torch.save file (PyTorch before 1.6, or _use_new_zipfile_serialization=False): "
                            + "re-save it with torch.save(model.state_dict(), path) in PyTorch 1.6 or later");
        }
        if (head[0] != 'P' || head[1] != 'K') {
            throw InteropException.in(file, "not a torch.save file (no zip magic PK)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String root = archiveRoot(zip, file);
            ByteOrder order = byteOrder(zip, root, file);
            Object top;
            try (InputStream in = zip.getInputStream(zip.getEntry(root + "data.pkl"))) {
                top = TorchPickle.read(in);
            } catch (IOException | RuntimeException e) {
                // The pickle reader reports a damaged stream as any of these (e.g. "expected more bytes").
                throw InteropException.at(
                        file, root + "data.pkl", "not a readable state_dict pickle (" + e.getMessage() + ")");
            }
            if (top instanceof ClassDict c) {
                throw InteropException.in(
                        file,
                        "holds a pickled " + c.getClassName() + ", not a state_dict: save model.state_dict() instead "
                                + "(a module or TorchScript archive would need its code run to be read)");
            }
            if (!(top instanceof Map<?, ?> map)) {
                throw InteropException.in(
                        file, "holds a " + TorchPickle.describe(top) + ", not a state_dict (a dict of tensors)");
            }
            Map<String, TorchPickle.TensorRef> refs = new LinkedHashMap<>();
            flatten("", map, refs);
            if (refs.isEmpty()) {
                throw InteropException.in(file, "holds no tensors");
            }
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            Map<String, ByteBuffer> storages = new LinkedHashMap<>();
            for (Map.Entry<String, TorchPickle.TensorRef> e : refs.entrySet()) {
                tensors.put(e.getKey(), materialize(zip, root, order, e.getKey(), e.getValue(), storages, file));
            }
            return new NamedTensors(file, tensors);
        } catch (InteropException e) {
            throw e;
        } catch (IOException e) {
            // ZipFile reports damage as ZipException or EOFException.
            throw InteropException.in(file, "not a readable torch.save zip (" + e + ")");
        }
    }

    private static String archiveRoot(ZipFile zip, Path file) throws InteropException {
        String root = null;
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (name.endsWith("data.pkl") && (name.equals("data.pkl") || name.endsWith("/data.pkl"))) {
                String candidate = name.substring(0, name.length() - "data.pkl".length());
                if (candidate.chars().filter(c -> c == '/').count() <= 1) {
                    if (root != null) {
                        throw InteropException.in(file, "holds two archives (" + root + ", " + candidate + ")");
                    }
                    root = candidate;
                }
            }
        }
        if (root == null) {
            throw InteropException.in(file, "a zip without data.pkl: not a torch.save file");
        }
        return root;
    }

    private static ByteOrder byteOrder(ZipFile zip, String root, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(root + "byteorder");
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            String order = new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip();
            return switch (order) {
                case "little" -> ByteOrder.LITTLE_ENDIAN;
                case "big" -> ByteOrder.BIG_ENDIAN;
                default -> throw InteropException.at(
                        file, root + "byteorder", "'" + order + "', expected little or big");
            };
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, TorchPickle.TensorRef> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof TorchPickle.TensorRef t) {
                out.put(name, t);
            } else if (e.getValue() instanceof Map<?, ?> inner && !(e.getValue() instanceof ClassDict)) {
                flatten(name + ".", inner, out);
            }
        }
    }

    private static INDArray materialize(
            ZipFile zip,
            String root,
            ByteOrder order,
            String name,
            TorchPickle.TensorRef t,
            Map<String, ByteBuffer> storages,
            Path file)
            throws IOException {
        String where = "tensor " + name;
        TorchPickle.StorageRef s = t.storage();
        if (t.size().length != t.stride().length) {
            throw InteropException.at(
                    file,
                    where,
                    "size " + Arrays.toString(t.size()) + " and stride " + Arrays.toString(t.stride())
                            + " differ in rank");
        }
        long count = ElementType.count(t.size());
        if (count < 0) {
            throw InteropException.at(file, where, "size " + Arrays.toString(t.size()) + " is negative or too large");
        }
        long last = t.offset();
        for (int d = 0; d < t.size().length; d++) {
            if (t.stride()[d] < 0) {
                throw InteropException.at(file, where, "negative stride " + Arrays.toString(t.stride()));
            }
            if (t.size()[d] > 0) {
                last += (t.size()[d] - 1) * t.stride()[d];
            }
        }
        if (t.offset() < 0 || (count > 0 && last >= s.count())) {
            throw InteropException.at(
                    file,
                    where,
                    "its view (offset " + t.offset() + ", size " + Arrays.toString(t.size()) + ", stride "
                            + Arrays.toString(t.stride()) + ") reaches element " + last + " of a storage of "
                            + s.count());
        }
        ByteBuffer storage = storages.get(s.key());
        if (storage == null) {
            storage = storage(zip, root, s, file, where);
            storages.put(s.key(), storage);
        }
        int width = s.type().bytes();
        ByteBuffer packed = ByteBuffer.allocate(Math.toIntExact(count * width));
        if (count > 0) {
            long[] index = new long[t.size().length];
            for (long i = 0; i < count; i++) {
                long at = t.offset();
                for (int d = 0; d < index.length; d++) {
                    at += index[d] * t.stride()[d];
                }
                packed.put(storage.slice(Math.toIntExact(at * width), width));
                for (int d = index.length - 1; d >= 0; d--) {
                    if (++index[d] < t.size()[d]) {
                        break;
                    }
                    index[d] = 0;
                }
            }
        }
        packed.flip();
        return s.type().decode(packed, order, t.size(), 'c');
    }

    private static ByteBuffer storage(ZipFile zip, String root, TorchPickle.StorageRef s, Path file, String where)
            throws IOException {
        ZipEntry entry = zip.getEntry(root + "data/" + s.key());
        if (entry == null) {
            throw InteropException.at(file, where, "its storage data/" + s.key() + " is missing");
        }
        long bytes = s.count() * s.type().bytes();
        if (bytes > Integer.MAX_VALUE - 8 || (entry.getSize() >= 0 && entry.getSize() < bytes)) {
            throw InteropException.at(
                    file,
                    where,
                    "storage data/" + s.key() + " declares " + s.count() + " elements, the file holds "
                            + entry.getSize() + " bytes");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] data = in.readNBytes((int) bytes);
            if (data.length < bytes) {
                throw InteropException.at(
                        file,
                        where,
                        "storage data/" + s.key() + " is truncated: " + data.length + " of " + bytes + " bytes");
            }
            return ByteBuffer.wrap(data);
        } catch (InteropException e) {
            throw e;
        } catch (IOException e) {
            throw InteropException.at(file, where, "storage data/" + s.key() + " is damaged (" + e + ")");
        }
    }
}
