package org.recurrent4j.interop.torch;

import java.io.IOException;
import java.io.InputStream;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import org.recurrent4j.interop.ElementType;

/**
 * Reads the pickle of a {@code torch.save} archive ({@code data.pkl}) as data: the calls it names
 * ({@code OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code _rebuild_parameter}) are
 * turned into records, never run, and the storages it refers to by persistent id
 * ({@code ('storage', torch.FloatStorage, key, location, numel)}) into {@link StorageRef}s. Any
 * other global becomes razorvine's inert {@code ClassDict}, which the caller refuses.
 */
final class TorchPickle extends Unpickler {

    /** A storage of the archive: {@code data/KEY}, {@code count} elements of {@code type}. */
    record StorageRef(ElementType type, String key, long count) {}

    /** A tensor: a strided view of a storage, as {@code _rebuild_tensor_v2} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /** A storage class such as {@code torch.FloatStorage}: only named in persistent ids, never called. */
    private record StorageClass(String name, ElementType type) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + name + " is called, not just named: not a state_dict");
        }
    }

    static {
        Unpickler.registerConstructor("collections", "OrderedDict", args -> {
            if (args.length != 0) {
                throw new PickleException("OrderedDict with arguments: not a state_dict");
            }
            return new PickledDict();
        });
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchPickle::tensor);
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor", TorchPickle::tensor);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> {
            if (args.length < 1 || !(args[0] instanceof TensorRef t)) {
                throw new PickleException("_rebuild_parameter without a tensor");
            }
            return t;
        });
        String[][] storages = {
            {"DoubleStorage", "FLOAT64"},
            {"FloatStorage", "FLOAT32"},
            {"HalfStorage", "FLOAT16"},
            {"BFloat16Storage", "BFLOAT16"},
            {"LongStorage", "INT64"},
            {"IntStorage", "INT32"},
            {"ShortStorage", "INT16"},
            {"CharStorage", "INT8"},
            {"ByteStorage", "UINT8"},
            {"BoolStorage", "BOOL"}
        };
        for (String[] s : storages) {
            Unpickler.registerConstructor("torch", s[0], new StorageClass(s[0], ElementType.valueOf(s[1])));
        }
    }

    /** Unpickles {@code in}. */
    static Object read(InputStream in) throws IOException {
        TorchPickle p = new TorchPickle();
        try {
            return p.load(in);
        } finally {
            p.close();
        }
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])) {
            throw new PickleException(
                    "persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
        }
        if (!(t[1] instanceof StorageClass type)) {
            throw new PickleException("storage type " + describe(t[1]) + " is not one of torch's typed storages");
        }
        if (!(t[2] instanceof String key) || !key.matches("[A-Za-z0-9_]{1,64}")) {
            throw new PickleException("storage key " + describe(t[2]) + " is not a storage name");
        }
        long count = integer(t[4], "storage size");
        if (count < 0) {
            throw new PickleException("storage " + key + " has a negative size " + count);
        }
        return new StorageRef(type.type(), key, count);
    }

    private static Object tensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
            throw new PickleException("_rebuild_tensor without a storage");
        }
        return new TensorRef(
                storage, integer(args[1], "storage offset"), longs(args[2], "size"), longs(args[3], "stride"));
    }

    private static long[] longs(Object o, String what) {
        if (!(o instanceof Object[] items)) {
            throw new PickleException("tensor " + what + " " + describe(o) + " is not a tuple");
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = integer(items[i], what);
        }
        return out;
    }

    private static long integer(Object o, String what) {
        if (o instanceof Integer i) {
            return i;
        }
        if (o instanceof Long l) {
            return l;
        }
        throw new PickleException(what + " " + describe(o) + " is not an integer");
    }

    static String describe(Object o) {
        if (o instanceof Object[] a) {
            return java.util.Arrays.deepToString(a);
        }
        String s = String.valueOf(o);
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
