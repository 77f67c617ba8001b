package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * Fuzzes {@link LabelledTextFiles}: TSV and CSV files and label folders, valid (read back exactly)
 * and mutated (a result in which every line or file is an example or counted as skipped, or an
 * error naming the file).
 */
class LabelledTextFilesFuzzTest {

    static final List<String> LABELS = List.of("neg", "pos", "mixed");

    private Path dir;

    @BeforeTry
    void createFolder() {
        dir = Fuzz.temporaryFolder("labelled");
    }

    @AfterTry
    void deleteFolder() {
        Fuzz.delete(dir);
    }

    /** One line of a valid corpus: its text, its label, whether an empty line comes before it. */
    record Row(String text, int label, boolean emptyBefore) {}

    /** A valid delimited corpus and the examples it holds. */
    record Delimited(
            boolean csv,
            boolean header,
            boolean skipEmpty,
            int columns,
            int textColumn,
            int labelColumn,
            List<Row> rows) {

        LabelledTextFiles format() {
            LabelledTextFiles.Builder b = csv ? LabelledTextFiles.csv() : LabelledTextFiles.tsv();
            return b.header(header)
                    .skipEmpty(skipEmpty)
                    .textColumn(textColumn)
                    .labelColumn(labelColumn)
                    .labels(LABELS)
                    .build();
        }

        private String field(String value) {
            if (csv && (value.contains(",") || value.contains("\"") || value.startsWith(" "))) {
                return "\"" + value.replace("\"", "\"\"") + "\"";
            }
            return value;
        }

        private String line(String text, String label) {
            List<String> fields = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                fields.add(c == textColumn ? field(text) : c == labelColumn ? label : "x" + c);
            }
            return String.join(csv ? "," : "\t", fields);
        }

        byte[] bytes() {
            StringBuilder sb = new StringBuilder();
            if (header) {
                sb.append(line("text", "label")).append('\n');
            }
            for (Row row : rows) {
                if (row.emptyBefore()) {
                    sb.append('\n');
                }
                sb.append(line(row.text(), LABELS.get(row.label()))).append('\n');
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** The lines a reader skips: empty ones and those with an empty text. */
        long expectedSkipped() {
            return rows.stream()
                    .mapToLong(r -> (r.emptyBefore() ? 1 : 0) + (r.text().isBlank() ? 1 : 0))
                    .sum();
        }
    }

    @Provide
    Arbitrary<Delimited> delimited() {
        Arbitrary<int[]> layout = Arbitraries.integers().between(2, 4).flatMap(columns -> Arbitraries.integers()
                .between(0, columns - 1)
                .flatMap(text -> Arbitraries.integers().between(0, columns - 2).map(l ->
                        new int[] {columns, text, l >= text ? l + 1 : l})));
        Arbitrary<Row> row = Combinators.combine(
                        Texts.text(8, "\n\r"), Arbitraries.integers().between(0, 2), Arbitraries.of(true, false))
                .as(Row::new);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Combinators.combine(
                        layout, flag, flag, flag, row.list().ofMinSize(1).ofMaxSize(12))
                .as((l, csv, header, skipEmpty, rows) -> {
                    List<Row> valid = rows.stream()
                            .map(r -> new Row(
                                    // a TSV field holds no tab; without skipping, no text or line is empty
                                    (csv ? r.text() : r.text().replace('\t', ' '))
                                            + (skipEmpty || !r.text().isBlank() ? "" : "a"),
                                    r.label(),
                                    skipEmpty && r.emptyBefore()))
                            .toList();
                    return new Delimited(csv, header, skipEmpty, l[0], l[1], l[2], valid);
                });
    }

    @Property(tries = 400)
    void delimitedFilesGiveTheirExamplesOrANamedError(
            @ForAll("delimited") Delimited corpus, @ForAll("mutations") List<Mutation> mutations) throws IOException {
        byte[] valid = corpus.bytes();
        byte[] bytes = Mutation.applyAll(mutations, valid);
        Path file = Files.write(dir.resolve(corpus.csv() ? "corpus.csv" : "corpus.tsv"), bytes);
        LabelledTextFiles format = corpus.format();
        Fuzz.Outcome<List<LabelledText>> outcome = Fuzz.run(file.toString(), () -> format.read(file));
        Fuzz.count(outcome, 5);
        String text = Texts.decode(bytes);
        if (text == null) {
            assertNotNull(outcome.error(), "invalid UTF-8 was read");
            return;
        }
        if (!outcome.succeeded()) {
            assertTrue(
                    !mutations.isEmpty()
                            || corpus.rows().stream().allMatch(r -> r.text().isBlank()),
                    "a valid file was refused: " + outcome.error());
            return;
        }
        List<LabelledText> examples = outcome.value();
        long nonEmptyLines = text.lines().filter(l -> !l.isEmpty()).count();
        int headerLines = corpus.header() && nonEmptyLines > 0 ? 1 : 0;
        assertEquals(
                Fuzz.lines(text) - headerLines,
                examples.size() + format.skipped(),
                "every line is an example, the header, or counted as skipped");
        for (LabelledText e : examples) {
            assertTrue(e.label() >= 0 && e.label() < LABELS.size());
            assertTrue(!e.text().isBlank());
            assertTrue(e.source().matches(java.util.regex.Pattern.quote(file.toString()) + ":[0-9]+"), e.source());
        }
        if (mutations.isEmpty()) {
            List<Row> kept =
                    corpus.rows().stream().filter(r -> !r.text().isBlank()).toList();
            assertEquals(
                    kept.stream().map(Row::text).toList(),
                    examples.stream().map(LabelledText::text).toList());
            assertEquals(
                    kept.stream().map(Row::label).toList(),
                    examples.stream().map(LabelledText::label).toList());
            assertEquals(corpus.expectedSkipped(), format.skipped());
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some();
    }

    /** Files of a folder-per-label corpus: their label, their text, and the mutations of their bytes. */
    record LabelledFile(int label, String text, List<Mutation> mutations) {}

    @Provide
    Arbitrary<List<LabelledFile>> labelledFiles() {
        Arbitrary<List<Mutation>> rarely = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(List.of())),
                Tuple.of(1, Mutation.any().list().ofMinSize(1).ofMaxSize(2)));
        return Combinators.combine(Arbitraries.integers().between(0, 2), Texts.text(10, ""), rarely)
                .as(LabelledFile::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8);
    }

    @Property(tries = 150)
    void labelFoldersGiveOneExamplePerFileOrANamedError(
            @ForAll("labelledFiles") List<LabelledFile> files, @ForAll boolean skipEmpty) throws IOException {
        Path root = Files.createDirectories(dir.resolve("corpus"));
        for (String label : LABELS) {
            Files.createDirectories(root.resolve(label));
        }
        List<String> decoded = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            LabelledFile f = files.get(i);
            byte[] bytes = Mutation.applyAll(f.mutations(), f.text().getBytes(StandardCharsets.UTF_8));
            Files.write(root.resolve(LABELS.get(f.label())).resolve(String.format("%03d.txt", i)), bytes);
            decoded.add(Texts.decode(bytes));
        }
        LabelledTextFiles format = LabelledTextFiles.folderPerLabel()
                .labels(LABELS)
                .skipEmpty(skipEmpty)
                .build();
        Fuzz.Outcome<List<LabelledText>> outcome = Fuzz.run(root.toString(), () -> format.readFolders(root));
        Fuzz.count(outcome, 5);
        boolean everyLabelHasAFile = LABELS.stream().allMatch(label -> files.stream()
                .anyMatch(f -> LABELS.get(f.label()).equals(label)));
        boolean readable = decoded.stream().allMatch(t -> t != null && (skipEmpty || !t.isBlank()));
        if (!outcome.succeeded()) {
            assertTrue(!everyLabelHasAFile || !readable, "valid folders were refused: " + outcome.error());
            return;
        }
        assertTrue(everyLabelHasAFile && readable, "read despite an empty label folder or a bad file");
        assertEquals(files.size(), outcome.value().size() + format.skipped(), "one example per file, or skipped");
        assertEquals(decoded.stream().filter(String::isBlank).count(), format.skipped());
        for (LabelledText e : outcome.value()) {
            assertTrue(e.source().contains(LABELS.get(e.label())), "labelled by its folder: " + e);
        }
    }
}
