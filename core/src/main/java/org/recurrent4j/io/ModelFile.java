package org.recurrent4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A DL4J model file ({@code ModelSerializer}'s zip: configuration, parameters, optionally the
 * updater's state) written atomically with an integrity record, and read only after the record
 * checks out.
 *
 * <p>The record is one more zip entry, {@value #RECORD_ENTRY}: the size and SHA-256 of every other
 * entry, as a checkpoint's manifest records its files. {@link #verify} reads every entry against it
 * before ND4J reads a byte, so a file that was cut short, edited or mixed with another one's parts
 * is refused with one line that names the file and the part ("coefficients.bin has 268 bytes, its
 * record says 978835"), instead of failing deep inside ND4J. Files without a record (written by
 * DL4J itself, or by an older version) still load; their damage is reported as clearly as the
 * zip and DL4J allow.
 *
 * <pre>{@code
 * ModelFile.save(net, Path.of("runs/sentiment/model.zip"), true);
 * ComputationGraph graph = ModelFile.loadComputationGraph(Path.of("runs/sentiment/model.zip"), false);
 * Model any = ModelFile.load(path, false); // a MultiLayerNetwork or a ComputationGraph, as saved
 * }</pre>
 */
public final class ModelFile {

    /** The zip entry holding the record. */
    public static final String RECORD_ENTRY = "recurrent4j-integrity.properties";

    private static final String FORMAT = "recurrent4j-model-1";
    private static final String CONFIGURATION = "configuration.json";
    private static final String COEFFICIENTS = "coefficients.bin";

    private ModelFile() {}

    /**
     * Writes {@code net} to {@code file} atomically (see {@link AtomicFile}) with its integrity
     * record.
     *
     * @param withUpdater whether to save the updater's state too (to continue training)
     */
    public static void save(Model net, Path file, boolean withUpdater) throws IOException {
        AtomicFile.write(file, temporary -> {
            Path plain = Files.createTempFile(temporary.toAbsolutePath().getParent(), ".model-", ".zip");
            try {
                ModelSerializer.writeModel(net, plain.toFile(), withUpdater);
                withRecord(plain, temporary);
            } finally {
                Files.deleteIfExists(plain);
            }
        });
    }

    /**
     * Checks a model file against its integrity record (every entry's size and SHA-256), or, for
     * a file without one, that it is a zip with DL4J's configuration and parameters.
     *
     * @throws NoSuchFileException if there is no file
     * @throws DamagedFileException naming the file and the part that is wrong
     */
    public static void verify(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no model file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry recordEntry = zip.getEntry(RECORD_ENTRY);
            if (recordEntry == null) {
                for (String needed : new String[] {CONFIGURATION, COEFFICIENTS}) {
                    if (zip.getEntry(needed) == null) {
                        throw new DamagedFileException(file + " is not a DL4J model file: it has no " + needed);
                    }
                }
                return;
            }
            Properties record = new Properties();
            try (InputStream in = zip.getInputStream(recordEntry)) {
                record.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            if (!FORMAT.equals(record.getProperty("format"))) {
                throw new DamagedFileException(file + ": its integrity record has format '"
                        + record.getProperty("format") + "', expected '" + FORMAT + "'");
            }
            int listed = 0;
            for (String key : new TreeMap<>(record)
                    .keySet().stream().map(Object::toString).toList()) {
                if (!key.startsWith("entry.")) {
                    continue;
                }
                listed++;
                String name = key.substring("entry.".length());
                String[] sizeAndHash = record.getProperty(key).split(" ");
                ZipEntry entry = zip.getEntry(name);
                if (entry == null) {
                    throw new DamagedFileException(file + " is damaged: its part " + name + " is missing");
                }
                if (sizeAndHash.length != 2) {
                    throw new DamagedFileException(file + " is damaged: its integrity record is malformed at " + key);
                }
                Digest d = digest(zip, entry);
                if (!Long.toString(d.size).equals(sizeAndHash[0])) {
                    throw new DamagedFileException(file + " is damaged: its part " + name + " has " + d.size
                            + " bytes, its record says " + sizeAndHash[0]);
                }
                if (!d.sha256.equals(sizeAndHash[1])) {
                    throw new DamagedFileException(
                            file + " is damaged: its part " + name + " differs from what was saved (SHA-256 mismatch)");
                }
            }
            if (listed == 0 || record.getProperty("entry." + COEFFICIENTS) == null) {
                throw new DamagedFileException(file + " is damaged: its integrity record lists no parameters");
            }
        } catch (ZipException e) {
            throw new DamagedFileException(file + " is not a readable model file (not a complete zip archive: "
                    + e.getMessage() + "); it is truncated or of another format");
        }
    }

    /**
     * Reads a {@code MultiLayerNetwork}, after {@link #verify}.
     *
     * @param withUpdater whether to restore the updater's state (if saved)
     */
    public static MultiLayerNetwork loadMultiLayerNetwork(Path file, boolean withUpdater) throws IOException {
        if (isGraph(file)) {
            throw new DamagedFileException(file + " holds a ComputationGraph, not a MultiLayerNetwork");
        }
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), withUpdater);
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    /**
     * Reads a {@code ComputationGraph}, after {@link #verify}.
     *
     * @param withUpdater whether to restore the updater's state (if saved)
     */
    public static ComputationGraph loadComputationGraph(Path file, boolean withUpdater) throws IOException {
        if (!isGraph(file)) {
            throw new DamagedFileException(file + " holds a MultiLayerNetwork, not a ComputationGraph");
        }
        try {
            return ModelSerializer.restoreComputationGraph(file.toFile(), withUpdater);
        } catch (RuntimeException e) {
            throw unreadable(file, e);
        }
    }

    /** Reads the network, of whichever kind it was saved as, after {@link #verify}. */
    public static Model load(Path file, boolean withUpdater) throws IOException {
        return isGraph(file) ? loadComputationGraph(file, withUpdater) : loadMultiLayerNetwork(file, withUpdater);
    }

    /** Whether the (verified) file holds a graph, read from its configuration. */
    private static boolean isGraph(Path file) throws IOException {
        verify(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(CONFIGURATION);
            String json;
            try (InputStream in = zip.getInputStream(entry)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // A graph's configuration has vertices; a MultiLayerNetwork's has a list of layer confs.
            return json.contains("\"vertices\"");
        }
    }

    private static DamagedFileException unreadable(Path file, RuntimeException e) {
        String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new DamagedFileException(
                file + " cannot be read as a DL4J model (" + cause + "); it is damaged or was written by another"
                        + " version",
                e);
    }

    private static void withRecord(Path plain, Path target) throws IOException {
        Properties record = new Properties();
        record.setProperty("format", FORMAT);
        try (ZipFile zip = new ZipFile(plain.toFile());
                OutputStream file = Files.newOutputStream(target);
                ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                MessageDigest digest = sha256();
                long size;
                try (InputStream in = new DigestInputStream(zip.getInputStream(entry), digest)) {
                    size = in.transferTo(out);
                }
                out.closeEntry();
                record.setProperty(
                        "entry." + entry.getName(), size + " " + HexFormat.of().formatHex(digest.digest()));
            }
            StringWriter text = new StringWriter();
            record.store(text, null);
            out.putNextEntry(new ZipEntry(RECORD_ENTRY));
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private record Digest(long size, String sha256) {}

    private static Digest digest(ZipFile zip, ZipEntry entry) throws IOException {
        MessageDigest digest = sha256();
        long size;
        try (InputStream in = new DigestInputStream(zip.getInputStream(entry), digest)) {
            size = in.transferTo(OutputStream.nullOutputStream());
        } catch (ZipException e) {
            throw new DamagedFileException(
                    "its part " + entry.getName() + " cannot be read (" + e.getMessage() + ")", e);
        }
        return new Digest(size, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
