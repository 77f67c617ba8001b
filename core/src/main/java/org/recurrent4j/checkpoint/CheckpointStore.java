package org.recurrent4j.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.recurrent4j.io.AtomicFile;

/**
 * Training checkpoints in one directory, each written so that a crash (even {@code kill -9}) at any
 * moment leaves every earlier checkpoint intact and no half-written one that could be mistaken for
 * complete.
 *
 * <p>{@link #save} writes a checkpoint into a hidden temporary directory, forces every file to
 * disk, writes {@value #MANIFEST_FILE} (each file's size and SHA-256) last, and renames the
 * directory to {@code checkpoint-<step>} in one atomic step; then it removes the oldest
 * checkpoints beyond {@code keep} and temporary directories that a killed run left behind. {@link
 * #newest} and {@link #open} check every file against the manifest before anything is loaded: a
 * damaged or foreign checkpoint is a {@link CheckpointException} that names it (and the previous
 * good one), never a silent fallback.
 *
 * <pre>{@code
 * CheckpointStore store = new CheckpointStore(Path.of("runs/char-rnn/checkpoints"), 2);
 * store.save(step, net, Map.of("data.batches", Long.toString(batches)),
 *         Map.of("vocabulary.txt", out -> vocabulary.writeTo(out)));
 * ...
 * Checkpoint c = store.newest().orElseThrow();
 * }</pre>
 */
public final class CheckpointStore {

    /** The network file in every checkpoint. */
    public static final String MODEL_FILE = "model.zip";
    /** Sizes and hashes of the other files, written last. */
    public static final String MANIFEST_FILE = "MANIFEST.properties";
    /** Step, model type, random state and the caller's properties. */
    public static final String STATE_FILE = "state.properties";

    static final String MULTI_LAYER = "MultiLayerNetwork";
    static final String GRAPH = "ComputationGraph";

    private static final String FORMAT = "recurrent4j-checkpoint-1";
    private static final String PREFIX = "checkpoint-";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{12})");
    private static final String TEMPORARY_PREFIX = ".checkpoint-";
    private static final String PROPERTY_PREFIX = "property.";

    /** Writes one extra file of a checkpoint. */
    @FunctionalInterface
    public interface Extra {
        void writeTo(OutputStream out) throws IOException;

        /** The file an API writes to a path (e.g. {@code vocabulary::save}), as an extra. */
        static Extra writtenBy(PathWriter writer) {
            return out -> {
                Path file = Files.createTempFile("recurrent4j-checkpoint-", ".part");
                try {
                    writer.writeTo(file);
                    Files.copy(file, out);
                } finally {
                    Files.deleteIfExists(file);
                }
            };
        }
    }

    /** Something that writes a file at a path, e.g. {@code vocabulary::save}. */
    @FunctionalInterface
    public interface PathWriter {
        void writeTo(Path file) throws IOException;
    }

    private final Path root;
    private final int keep;

    /**
     * @param root the directory of the checkpoints (created on the first save)
     * @param keep how many of the newest checkpoints to keep, at least 1
     */
    public CheckpointStore(Path root, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        }
        this.root = root.toAbsolutePath();
        this.keep = keep;
    }

    /** The directory of the checkpoints. */
    public Path root() {
        return root;
    }

    /**
     * Writes a checkpoint of {@code net} (with its updater state) at {@code step}, with the
     * caller's properties and extra files, and ND4J's random state.
     *
     * @return the checkpoint's directory
     */
    public Path save(long step, Model net, Map<String, String> properties, Map<String, Extra> extras)
            throws IOException {
        if (step < 0 || step > 999_999_999_999L) {
            throw new IllegalArgumentException("step must be in [0, 999999999999], got " + step);
        }
        for (String name : extras.keySet()) {
            if (isReserved(name) || !name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
                throw new IllegalArgumentException("extra file name '" + name + "' is reserved or not a plain file"
                        + " name (letters, digits, '.', '_', '-')");
            }
        }
        Files.createDirectories(root);
        Path target = root.resolve(String.format("%s%012d", PREFIX, step));
        Path temporary = Files.createTempDirectory(root, TEMPORARY_PREFIX + step + "-");
        try {
            ModelSerializer.writeModel(net, temporary.resolve(MODEL_FILE).toFile(), true);
            AtomicFile.force(temporary.resolve(MODEL_FILE));
            writeState(temporary.resolve(STATE_FILE), step, modelType(net), properties);
            for (Map.Entry<String, Extra> extra : extras.entrySet()) {
                Path file = temporary.resolve(extra.getKey());
                try (OutputStream out = Files.newOutputStream(file)) {
                    extra.getValue().writeTo(out);
                }
                AtomicFile.force(file);
            }
            writeManifest(temporary);
            AtomicFile.force(temporary);
            if (Files.exists(target)) {
                deleteTree(target);
            }
            AtomicFile.move(temporary, target);
            AtomicFile.force(root);
        } finally {
            if (Files.exists(temporary)) {
                deleteTree(temporary);
            }
        }
        prune(target);
        return target;
    }

    /**
     * The newest checkpoint, verified; empty if there is none.
     *
     * @throws CheckpointException if the newest one is damaged or foreign (the message names the
     *     previous good one, which {@link #open} takes directly)
     */
    public Optional<Checkpoint> newest() throws IOException {
        List<Path> all = checkpoints();
        if (all.isEmpty()) {
            return Optional.empty();
        }
        Path newest = all.get(all.size() - 1);
        try {
            return Optional.of(open(newest));
        } catch (CheckpointException e) {
            String previous = "no earlier checkpoint is usable";
            for (int i = all.size() - 2; i >= 0; i--) {
                try {
                    open(all.get(i));
                    previous = "the previous good one is " + all.get(i) + " (resume from that directory)";
                    break;
                } catch (CheckpointException older) {
                    // Keep looking further back; the message names only the nearest good one.
                }
            }
            throw new CheckpointException(e.getMessage() + "; " + previous, e);
        }
    }

    /** The checkpoint directories, oldest first (complete ones only: temporary ones are not listed). */
    public List<Path> checkpoints() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
            for (Path p : dir) {
                if (NAME.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /**
     * Opens one checkpoint directory, checking every file against its manifest.
     *
     * @throws CheckpointException naming the directory and the file that is missing, changed or
     *     not a recurrent4j checkpoint's
     */
    public static Checkpoint open(Path directory) throws CheckpointException {
        Path dir = directory.toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("no checkpoint at " + dir + ": not a directory");
        }
        Properties manifest = read(dir, MANIFEST_FILE);
        if (!FORMAT.equals(manifest.getProperty("format"))) {
            throw new CheckpointException(dir + " is not a recurrent4j checkpoint: its " + MANIFEST_FILE
                    + " says format '" + manifest.getProperty("format") + "', expected '" + FORMAT + "'");
        }
        Set<String> listed = new TreeSet<>();
        for (String key : manifest.stringPropertyNames()) {
            if (!key.startsWith("file.")) {
                continue;
            }
            String name = key.substring("file.".length());
            listed.add(name);
            String[] sizeAndHash = manifest.getProperty(key).split(" ");
            Path file = dir.resolve(name);
            if (sizeAndHash.length != 2 || !file.normalize().getParent().equals(dir)) {
                throw new CheckpointException("checkpoint " + dir + ": " + MANIFEST_FILE + " has a malformed entry '"
                        + key + "'; the checkpoint is damaged");
            }
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException("checkpoint " + dir + " is damaged: " + name + " is missing");
            }
            try {
                long size = Files.size(file);
                if (size != Long.parseLong(sizeAndHash[0])) {
                    throw new CheckpointException("checkpoint " + dir + " is damaged: " + name + " has " + size
                            + " bytes, its manifest says " + sizeAndHash[0]);
                }
                if (!sha256(file).equals(sizeAndHash[1])) {
                    throw new CheckpointException("checkpoint " + dir + " is damaged: " + name
                            + " differs from what was written (SHA-256 mismatch)");
                }
            } catch (NumberFormatException e) {
                throw new CheckpointException("checkpoint " + dir + ": " + MANIFEST_FILE + " has a malformed size for "
                        + name + "; the checkpoint is damaged");
            } catch (CheckpointException e) {
                throw e;
            } catch (IOException e) {
                throw new CheckpointException("checkpoint " + dir + ": cannot read " + name + ": " + e.getMessage(), e);
            }
        }
        if (!listed.contains(MODEL_FILE) || !listed.contains(STATE_FILE)) {
            throw new CheckpointException("checkpoint " + dir + " is damaged: its manifest does not list " + MODEL_FILE
                    + " and " + STATE_FILE);
        }
        Properties state = read(dir, STATE_FILE);
        Map<String, String> properties = new TreeMap<>();
        for (String key : state.stringPropertyNames()) {
            if (key.startsWith(PROPERTY_PREFIX)) {
                properties.put(key.substring(PROPERTY_PREFIX.length()), state.getProperty(key));
            }
        }
        try {
            String modelType = state.getProperty("model");
            if (!MULTI_LAYER.equals(modelType) && !GRAPH.equals(modelType)) {
                throw new CheckpointException(
                        "checkpoint " + dir + ": " + STATE_FILE + " names an unknown model type '" + modelType + "'");
            }
            return new Checkpoint(
                    dir,
                    Long.parseLong(state.getProperty("step")),
                    modelType,
                    properties,
                    Long.parseLong(state.getProperty("random.root")),
                    Long.parseLong(state.getProperty("random.node")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new CheckpointException("checkpoint " + dir + ": " + STATE_FILE + " lacks step or random state");
        }
    }

    static boolean isReserved(String name) {
        return name.equals(MODEL_FILE) || name.equals(MANIFEST_FILE) || name.equals(STATE_FILE);
    }

    private static String modelType(Model net) {
        if (net instanceof MultiLayerNetwork) {
            return MULTI_LAYER;
        }
        if (net instanceof ComputationGraph) {
            return GRAPH;
        }
        throw new IllegalArgumentException("a checkpoint holds a MultiLayerNetwork or a ComputationGraph, got "
                + net.getClass().getName());
    }

    private static void writeState(Path file, long step, String modelType, Map<String, String> properties)
            throws IOException {
        Properties state = new Properties();
        state.setProperty("step", Long.toString(step));
        state.setProperty("model", modelType);
        Random random = Nd4j.getRandom();
        state.setProperty("random.root", Long.toString(random.rootState()));
        state.setProperty("random.node", Long.toString(random.nodeState()));
        properties.forEach((k, v) -> state.setProperty(PROPERTY_PREFIX + k, v));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            state.store(out, null);
        }
        AtomicFile.force(file);
    }

    private static void writeManifest(Path dir) throws IOException {
        Properties manifest = new Properties();
        manifest.setProperty("format", FORMAT);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                manifest.setProperty("file." + file.getFileName(), Files.size(file) + " " + sha256(file));
            }
        }
        Path file = dir.resolve(MANIFEST_FILE);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            manifest.store(out, null);
        }
        AtomicFile.force(file);
    }

    private static Properties read(Path dir, String name) throws CheckpointException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(name), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(
                    "checkpoint " + dir + " has no " + name + ": it is incomplete or not a recurrent4j checkpoint");
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException("checkpoint " + dir + ": " + name + " is unreadable: " + e.getMessage(), e);
        }
        return p;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void prune(Path justWritten) throws IOException {
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            if (!all.get(i).equals(justWritten)) {
                deleteTree(all.get(i));
            }
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root, TEMPORARY_PREFIX + "*")) {
            for (Path leftover : dir) {
                deleteTree(leftover);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
