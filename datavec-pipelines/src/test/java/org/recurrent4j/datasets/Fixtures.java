package org.recurrent4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Small stand-ins for the public files, generated here. */
final class Fixtures {

    private Fixtures() {}

    static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] tarGz(Map<String, String> entries, Map<String, String> symlinks) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, String> e : symlinks.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName(e.getValue());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A zip with a file and a symbolic link entry (Unix mode 0120777) pointing at {@code target}. */
    static byte[] zipWithSymlink(String file, String link, String target) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            ZipArchiveEntry plain = new ZipArchiveEntry(file);
            zip.putArchiveEntry(plain);
            zip.write("content".getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
            ZipArchiveEntry symlink = new ZipArchiveEntry(link);
            symlink.setUnixMode(0120777);
            zip.putArchiveEntry(symlink);
            zip.write(target.getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /** A tar.gz with a file and an entry of another type ({@code TarArchiveEntry.LF_*}) after it. */
    static byte[] tarGzWithSpecialEntry(String file, String name, byte type, String linkTarget) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            byte[] content = "content".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry plain = new TarArchiveEntry(file);
            plain.setSize(content.length);
            tar.putArchiveEntry(plain);
            tar.write(content);
            tar.closeArchiveEntry();
            TarArchiveEntry special = new TarArchiveEntry(name, type);
            if (linkTarget != null) {
                special.setLinkName(linkTarget);
            }
            tar.putArchiveEntry(special);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /** An SST-2 zip: a few training rows, {@code devRows} dev rows. */
    static byte[] sst2(int devRows, boolean withDev) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("SST-2/train.tsv", "sentence\tlabel\na fine film \t1\nflat and dull \t0\n");
        if (withDev) {
            StringBuilder dev = new StringBuilder("sentence\tlabel\n");
            for (int i = 0; i < devRows; i++) {
                dev.append(i % 2 == 0 ? "good movie " : "bad movie ")
                        .append('\t')
                        .append(i % 2 == 0 ? 1 : 0)
                        .append('\n');
            }
            entries.put("SST-2/dev.tsv", dev.toString());
        }
        return zip(entries);
    }

    /** An aclImdb tar.gz with two reviews per label folder, plus the folders a loader must ignore. */
    static byte[] imdb() throws IOException {
        return imdb("A wonderful film.");
    }

    /** {@link #imdb()} with another text for the first positive review of each part. */
    static byte[] imdb(String firstReview) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String part : new String[] {"train", "test"}) {
            entries.put("aclImdb/" + part + "/pos/0_9.txt", firstReview);
            entries.put("aclImdb/" + part + "/pos/1_8.txt", "Great acting<br />and story.");
            entries.put("aclImdb/" + part + "/neg/2_1.txt", "Dreadful.");
            entries.put("aclImdb/" + part + "/neg/3_2.txt", "A waste of time.");
            entries.put("aclImdb/" + part + "/urls_pos.txt", "http://example.invalid/\n");
        }
        entries.put("aclImdb/train/unsup/4_0.txt", "unlabelled");
        return tarGz(entries, Map.of());
    }

    /** {@code rows} rows of 60 values in the UCI layout. */
    static byte[] controlCharts(int rows) {
        Random random = new Random(rows);
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < 60; t++) {
                sb.append(String.format("  %.4f", 30 + 2 * random.nextGaussian() + (r / 100 == 2 ? 0.3 * t : 0)));
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
