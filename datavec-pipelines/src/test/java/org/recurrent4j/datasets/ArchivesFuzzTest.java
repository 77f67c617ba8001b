package org.recurrent4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.recurrent4j.fuzz.Fuzz;
import org.recurrent4j.fuzz.Mutation;
import org.recurrent4j.fuzz.Texts;

/**
 * Fuzzes archive extraction and the data sets' structure checks: valid and mutated zip and tar.gz
 * archives (and data files) either extract to exactly their files, with a manifest that checks,
 * or are refused with an error naming the archive, leaving nothing behind.
 */
class ArchivesFuzzTest {

    private Path dir;

    @BeforeTry
    void createFolder() {
        dir = Fuzz.temporaryFolder("archives");
    }

    @AfterTry
    void deleteFolder() {
        Fuzz.delete(dir);
    }

    @Provide
    Arbitrary<Map<String, String>> entries() {
        Arbitrary<String> path = Combinators.combine(
                        Arbitraries.of("", "d1/", "d2/", "d1/d3/", "aclImdb/train/pos/"),
                        Arbitraries.of("f1.txt", "f2.txt", "review.txt", "é.txt", "x y.txt"))
                .as(String::concat);
        return Arbitraries.maps(path, Texts.text(30, ""))
                .ofMinSize(1)
                .ofMaxSize(8)
                .map(LinkedHashMap::new);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some();
    }

    @Provide
    Arbitrary<DataLimits> limits() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(DataLimits.defaults())),
                Tuple.of(1, Arbitraries.integers().between(1, 8).map(n -> DataLimits.defaults()
                        .maxEntries(n))),
                Tuple.of(1, Arbitraries.integers().between(1, 200).map(n -> DataLimits.defaults()
                        .maxExtractedBytes(n))));
    }

    private List<String> leftovers(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Property(tries = 300)
    void anArchiveExtractsToExactlyItsFilesOrLeavesNothing(
            @ForAll("entries") Map<String, String> entries,
            @ForAll Archives.Format format,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("limits") DataLimits limits)
            throws IOException {
        byte[] valid = format == Archives.Format.ZIP ? Fixtures.zip(entries) : Fixtures.tarGz(entries, Map.of());
        byte[] bytes = Mutation.applyAll(mutations, valid);
        Path archive = Files.write(dir.resolve(format == Archives.Format.ZIP ? "data.zip" : "data.tar.gz"), bytes);
        Path out = dir.resolve("out");
        Path target = out.resolve("extracted");
        Fuzz.Outcome<ExtractionManifest> outcome =
                Fuzz.run(archive.toString(), () -> Archives.extract(archive, target, format, limits));
        Fuzz.count(outcome, 5);
        long totalBytes = entries.values().stream()
                .mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length)
                .sum();
        // the fixtures write file entries only, no folder entries
        boolean withinLimits = entries.size() <= limits.maxEntries() && totalBytes <= limits.maxExtractedBytes();
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty() || !withinLimits, "a valid archive was refused: " + outcome.error());
            assertEquals(List.of(), leftovers(out), "nothing is left of a refused archive");
            return;
        }
        assertEquals(List.of("extracted", "extracted.manifest"), leftovers(out));
        ExtractionManifest manifest = outcome.value();
        ExtractionManifest.Check check = ExtractionManifest.read(ExtractionManifest.fileOf(target))
                .verify(target, true, ExtractionManifest.fileOf(target), "");
        assertEquals(manifest.entries().size(), check.files());
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : all.toList()) {
                assertTrue(p.toAbsolutePath().normalize().startsWith(target.toAbsolutePath()), p + " escaped");
                assertTrue(
                        Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                                || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS),
                        p + " is neither a file nor a folder");
            }
        }
        if (mutations.isEmpty()) {
            assertEquals(entries.size(), manifest.entries().size());
            for (Map.Entry<String, String> e : entries.entrySet()) {
                assertEquals(e.getValue(), Files.readString(target.resolve(e.getKey())));
            }
        }
    }

    /** A data set, its file's valid bytes and whether its checksum is published. */
    enum Kind {
        SST2,
        IMDB,
        UCI,
        SHAKESPEARE
    }

    @Property(tries = 120)
    void aDataSetIsCheckedByItsStructureOrNothingIsKept(
            @ForAll Kind kind, @ForAll("mutations") List<Mutation> mutations) throws IOException {
        byte[] valid =
                switch (kind) {
                    case SST2 -> Fixtures.sst2(Sst2.DEV_ROWS, true);
                    case IMDB -> Fixtures.imdb();
                    case UCI -> Fixtures.controlCharts(UciSyntheticControl.ROWS);
                    case SHAKESPEARE -> "First Citizen:\nBefore we proceed any further, hear me speak.\n"
                            .repeat(50)
                            .getBytes(StandardCharsets.UTF_8);
                };
        byte[] bytes = Mutation.applyAll(mutations, valid);
        Path source = Files.write(Files.createDirectories(dir.resolve("source")).resolve("file"), bytes);
        Path cache = dir.resolve("cache");
        PublicDataSet<?> data =
                switch (kind) {
                    case SST2 -> new Sst2();
                    case IMDB -> new Imdb(Checksums.NONE);
                    case UCI -> new UciSyntheticControl();
                    case SHAKESPEARE -> new TinyShakespeare(Checksums.of(source).sha256());
                };
        data.source(source.toUri()).cache(cache).progress(Download.Progress.NONE);
        Fuzz.Outcome<Path> outcome = Fuzz.run(cache.toString(), data::fetch);
        Fuzz.count(outcome, 5);
        List<String> kept = leftovers(data.directory());
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty(), "the valid fixture was refused: " + outcome.error());
            // a file whose checksum is published is kept (the checksum vouches for it); nothing else
            assertEquals(kind == Kind.SHAKESPEARE ? List.of(".lock", "input.txt") : List.of(".lock"), kept);
            return;
        }
        assertTrue(kept.contains(data.file().getFileName().toString()));
        if (kind != Kind.SHAKESPEARE) {
            assertTrue(kept.contains(data.file().getFileName() + ".sha256"), "pinned: " + kept);
        }
        assertEquals(outcome.value(), data.fetch(), "a second use checks and serves the same");
    }
}
