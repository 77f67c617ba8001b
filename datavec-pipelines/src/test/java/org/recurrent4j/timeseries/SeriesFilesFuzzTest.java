package org.recurrent4j.timeseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.datavec.api.split.CollectionInputSplit;
import org.datavec.api.split.FileSplit;
import org.recurrent4j.fuzz.Fuzz;
import org.recurrent4j.fuzz.Mutation;
import org.recurrent4j.fuzz.Texts;

/**
 * Fuzzes the numeric readers ({@link NumericRows}, {@link FilePerSeriesRecordReader}, {@link
 * GroupedSeriesRecordReader}, {@link RowPerSeriesRecordReader}) with valid tables (read back to
 * the value) and mutated ones: every line after the skipped ones is a step (or a series) or is
 * counted as a skipped blank line, every value is finite; or an error names the file.
 */
class SeriesFilesFuzzTest {

    static final String[] LABELS = {"up", "down", "flat"};

    private Path dir;

    @BeforeTry
    void createFolder() {
        dir = Fuzz.temporaryFolder("series");
    }

    @AfterTry
    void deleteFolder() {
        Fuzz.delete(dir);
    }

    /** A delimiter: the regular expression given to the reader and the text written between fields. */
    record Delimiter(String regex, String written) {}

    /** A valid table: its rows of numbers as written, a label per row (or none) and the layout. */
    record Table(Delimiter delimiter, boolean header, boolean blankLines, List<List<String>> rows, int label) {

        int columns() {
            return rows.get(0).size();
        }

        String text(String id) {
            StringBuilder sb = new StringBuilder();
            if (header) {
                sb.append("# a header line\n");
            }
            for (int r = 0; r < rows.size(); r++) {
                if (blankLines && r % 3 == 1) {
                    sb.append(r % 2 == 0 ? "\n" : "  \n");
                }
                List<String> fields = new ArrayList<>();
                if (id != null) {
                    fields.add(id);
                }
                fields.addAll(rows.get(r));
                if (label >= 0) {
                    fields.add(LABELS[label]);
                }
                sb.append(String.join(delimiter.written, fields)).append('\n');
            }
            return sb.toString();
        }

        double[][] values() {
            double[][] values = new double[rows.size()][];
            for (int r = 0; r < rows.size(); r++) {
                values[r] =
                        rows.get(r).stream().mapToDouble(Double::parseDouble).toArray();
            }
            return values;
        }
    }

    /** Finite numbers in the ways files write them. */
    @Provide
    static Arbitrary<String> number() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-1000, 1000).map(String::valueOf),
                Arbitraries.doubles().between(-1e6, 1e6).map(d -> String.format(Locale.ROOT, "%.4f", d)),
                Arbitraries.doubles().between(-1e300, 1e300).map(d -> String.format(Locale.ROOT, "%.6e", d)),
                Arbitraries.of("0", "-0", "1E5", ".5", "-.25", "3.", "+7", "1e-300"));
    }

    static Arbitrary<Delimiter> delimiter() {
        return Arbitraries.of(
                new Delimiter(",", ","),
                new Delimiter(",", ", "),
                new Delimiter("\\s+", " "),
                new Delimiter("\\s+", "\t"),
                new Delimiter(";", ";"));
    }

    static Arbitrary<Table> table(int minRows, boolean labelled) {
        return Arbitraries.integers().between(1, 4).flatMap(columns -> Combinators.combine(
                        delimiter(),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        number().list()
                                .ofSize(columns)
                                .list()
                                .ofMinSize(minRows)
                                .ofMaxSize(12),
                        labelled ? Arbitraries.integers().between(0, LABELS.length - 1) : Arbitraries.just(-1))
                .as(Table::new));
    }

    @Provide
    Arbitrary<List<Table>> tables() {
        return Arbitraries.of(true, false)
                .flatMap(labelled -> table(1, labelled).list().ofMinSize(1).ofMaxSize(3));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some();
    }

    private static long linesAfterSkipped(String text, int skipLines) {
        return Math.max(0, Fuzz.lines(text) - skipLines);
    }

    @Property(tries = 300)
    void numericRowsAreEachLineOrASkippedBlankOne(
            @ForAll("tables") List<Table> tables, @ForAll("mutations") List<Mutation> mutations, @ForAll boolean ragged)
            throws IOException {
        Table table = tables.get(0);
        byte[] bytes = Mutation.applyAll(mutations, table.text(null).getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("rows.csv"), bytes);
        NumericRows rows =
                new NumericRows(table.delimiter().regex(), table.header() ? 1 : 0, table.blankLines(), ragged);
        Fuzz.Outcome<List<NumericRows.Row>> outcome = Fuzz.run(file.toString(), () -> rows.read(file.toUri()));
        Fuzz.count(outcome, 5);
        String text = Texts.decode(bytes);
        if (text == null) {
            assertNotNull(outcome.error(), "invalid UTF-8 was read");
            return;
        }
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty(), "a valid table was refused: " + outcome.error());
            return;
        }
        List<NumericRows.Row> read = outcome.value();
        assertEquals(linesAfterSkipped(text, table.header() ? 1 : 0), read.size() + rows.skipped());
        for (NumericRows.Row row : read) {
            assertTrue(ragged || row.fields().length == read.get(0).fields().length, "no ragged row");
            assertEquals(file.toString(), row.file());
        }
    }

    @Property(tries = 250)
    void aFilePerSeriesIsReadToTheValueOrNamed(
            @ForAll("tables") List<Table> tables, @ForAll("mutations") List<Mutation> mutations) throws IOException {
        Table first = tables.get(0);
        List<URI> uris = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            // every file in the first file's layout, so that one reader reads them all
            Table t = new Table(
                    first.delimiter(),
                    first.header(),
                    first.blankLines(),
                    tables.get(i).rows(),
                    first.label() < 0 ? -1 : tables.get(i).label());
            byte[] bytes = t.text(null).getBytes(StandardCharsets.UTF_8);
            if (i == tables.size() - 1) {
                bytes = Mutation.applyAll(mutations, bytes);
            }
            uris.add(Files.write(dir.resolve(i + ".csv"), bytes).toUri());
            texts.add(Texts.decode(bytes));
        }
        FilePerSeriesRecordReader.Builder builder = new FilePerSeriesRecordReader.Builder()
                .delimiter(first.delimiter().regex())
                .skipLines(first.header() ? 1 : 0)
                .skipEmptyLines(first.blankLines());
        boolean labelled = first.label() >= 0;
        FilePerSeriesRecordReader reader =
                labelled ? builder.labelColumn(tables.get(0).columns(), LABELS).build() : builder.build();
        Fuzz.Outcome<List<Series>> outcome = Fuzz.run(".csv", () -> {
            reader.initialize(new CollectionInputSplit(uris));
            return reader.series();
        });
        Fuzz.count(outcome, 5);
        if (texts.contains(null)) {
            assertNotNull(outcome.error(), "invalid UTF-8 was read");
            return;
        }
        boolean sameColumns = tables.stream().allMatch(t -> t.columns() == first.columns());
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty() || !sameColumns, "valid files were refused: " + outcome.error());
            return;
        }
        assertTrue(!mutations.isEmpty() || sameColumns, "files with other columns were read together");
        List<Series> series = outcome.value();
        assertEquals(tables.size(), series.size(), "one series per file");
        long lines = texts.stream()
                .mapToLong(t -> linesAfterSkipped(t, first.header() ? 1 : 0))
                .sum();
        assertEquals(lines, series.stream().mapToLong(Series::length).sum() + reader.skipped());
        for (Series s : series) {
            assertFinite(s);
        }
        if (mutations.isEmpty()) {
            for (int i = 0; i < tables.size(); i++) {
                assertArrayEquals(tables.get(i).values(), series.get(i).values());
                assertEquals(
                        labelled ? tables.get(i).label() : -1, series.get(i).label());
            }
        }
    }

    @Provide
    Arbitrary<Map<String, Table>> groups() {
        return Arbitraries.integers().between(1, 3).flatMap(columns -> Combinators.combine(
                        delimiter(),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false),
                        Arbitraries.of("s1", "s2", "s3", " s4 ")
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(12),
                        number().list().ofSize(columns).list().ofSize(12))
                .as((delimiter, header, blank, ids, rows) -> {
                    Map<String, Table> groups = new LinkedHashMap<>();
                    for (int r = 0; r < ids.size(); r++) {
                        String id = ids.get(r);
                        Table t = groups.computeIfAbsent(
                                id, k -> new Table(delimiter, header, blank, new ArrayList<>(), -1));
                        t.rows().add(rows.get(r));
                    }
                    return groups;
                }));
    }

    @Property(tries = 250)
    void groupedSeriesAreTheRowsOfEachIdOrNamed(
            @ForAll("groups") Map<String, Table> groups,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll @IntRange(min = 0, max = 1) int idColumn)
            throws IOException {
        Table any = groups.values().iterator().next();
        StringBuilder text = new StringBuilder(any.header() ? "# header\n" : "");
        List<String> order = new ArrayList<>();
        int longest =
                groups.values().stream().mapToInt(t -> t.rows().size()).max().orElse(0);
        for (int r = 0; r < longest; r++) {
            for (Map.Entry<String, Table> e : groups.entrySet()) {
                if (r < e.getValue().rows().size()) {
                    List<String> fields = new ArrayList<>(e.getValue().rows().get(r));
                    fields.add(Math.min(idColumn, fields.size()), e.getKey());
                    text.append(String.join(any.delimiter().written(), fields)).append('\n');
                    if (any.blankLines() && r == 0) {
                        text.append('\n');
                    }
                    if (r == 0) {
                        order.add(e.getKey());
                    }
                }
            }
        }
        byte[] bytes = Mutation.applyAll(mutations, text.toString().getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("grouped.csv"), bytes);
        GroupedSeriesRecordReader reader = new GroupedSeriesRecordReader.Builder(idColumn)
                .delimiter(any.delimiter().regex())
                .skipLines(any.header() ? 1 : 0)
                .skipEmptyLines(any.blankLines())
                .build();
        Fuzz.Outcome<List<Series>> outcome = Fuzz.run(file.toString(), () -> {
            reader.initialize(new FileSplit(file.toFile()));
            return reader.series();
        });
        Fuzz.count(outcome, 5);
        String decoded = Texts.decode(bytes);
        if (decoded == null) {
            assertNotNull(outcome.error(), "invalid UTF-8 was read");
            return;
        }
        boolean whitespaceIds = any.delimiter().regex().equals("\\s+") && groups.containsKey(" s4 ");
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty() || whitespaceIds, "a valid table was refused: " + outcome.error());
            return;
        }
        List<Series> series = outcome.value();
        assertEquals(
                linesAfterSkipped(decoded, any.header() ? 1 : 0),
                series.stream().mapToLong(Series::length).sum() + reader.skipped());
        series.forEach(SeriesFilesFuzzTest::assertFinite);
        if (mutations.isEmpty() && !whitespaceIds) {
            assertEquals(order.size(), series.size(), "one series per id");
            for (int i = 0; i < order.size(); i++) {
                assertArrayEquals(
                        groups.get(order.get(i)).values(), series.get(i).values());
                assertTrue(series.get(i)
                        .source()
                        .endsWith("series \"" + order.get(i).trim() + "\""));
            }
        }
    }

    @Provide
    Arbitrary<Table> rowTable() {
        return Arbitraries.of(true, false).flatMap(labelled -> table(1, false)
                .map(t -> labelled ? new Table(t.delimiter(), t.header(), t.blankLines(), t.rows(), 0) : t));
    }

    @Property(tries = 250)
    void eachRowIsASeriesOrASkippedBlankLine(
            @ForAll("rowTable") Table table,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll boolean variableLength,
            @ForAll boolean labelOfRow)
            throws IOException {
        byte[] bytes = Mutation.applyAll(mutations, table.text(null).getBytes(StandardCharsets.UTF_8));
        Path file = Files.write(dir.resolve("rows.data"), bytes);
        RowPerSeriesRecordReader.Builder builder = new RowPerSeriesRecordReader.Builder()
                .delimiter(table.delimiter().regex())
                .skipLines(table.header() ? 1 : 0)
                .skipEmptyLines(table.blankLines())
                .variableLength(variableLength);
        boolean labelColumn = table.label() >= 0;
        if (labelColumn) {
            builder.labelColumn(table.columns(), LABELS);
        } else if (labelOfRow) {
            builder.labelOfRow(row -> LABELS[row % LABELS.length], LABELS);
        }
        RowPerSeriesRecordReader reader = builder.build();
        Fuzz.Outcome<List<Series>> outcome = Fuzz.run(file.toString(), () -> {
            reader.initialize(new FileSplit(file.toFile()));
            return reader.series();
        });
        Fuzz.count(outcome, 5);
        String decoded = Texts.decode(bytes);
        if (decoded == null) {
            assertNotNull(outcome.error(), "invalid UTF-8 was read");
            return;
        }
        if (!outcome.succeeded()) {
            assertTrue(!mutations.isEmpty(), "a valid table was refused: " + outcome.error());
            return;
        }
        List<Series> series = outcome.value();
        assertEquals(linesAfterSkipped(decoded, table.header() ? 1 : 0), series.size() + reader.skipped());
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            assertFinite(s);
            assertTrue(s.length() >= 1, "a series has a value: " + s.source());
            assertEquals(1, s.features());
            if (labelOfRow && !labelColumn) {
                assertEquals(i % LABELS.length, s.label());
            }
        }
        if (mutations.isEmpty()) {
            double[][] values = table.values();
            for (int i = 0; i < values.length; i++) {
                double[] column = new double[series.get(i).length()];
                for (int t = 0; t < column.length; t++) {
                    column[t] = series.get(i).values()[t][0];
                }
                assertArrayEquals(values[i], column);
            }
        }
    }

    static void assertFinite(Series s) {
        for (double[] step : s.values()) {
            for (double v : step) {
                assertTrue(Double.isFinite(v), s.source() + " holds " + v);
            }
        }
    }
}
