package org.recurrent4j.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.datavec.api.split.FileSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledTextFilesTest {

    @TempDir
    Path dir;

    private final LabelledTextFiles sst2 =
            LabelledTextFiles.tsv().header(true).labels("0", "1").build();

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private IOException failure(LabelledTextFiles format, Path file) {
        return assertThrows(IOException.class, () -> format.read(file));
    }

    @Test
    void readsTsvWithHeaderAndNamesEachExamplesLine() throws IOException {
        Path file = write("train.tsv", "sentence\tlabel\na \"quoted\" gem \t1\nflat , dull\t0\n");
        List<LabelledText> examples = sst2.read(file);
        assertEquals(
                List.of(
                        new LabelledText("a \"quoted\" gem ", 1, file + ":2"),
                        new LabelledText("flat , dull", 0, file + ":3")),
                examples);
    }

    @Test
    void readsCsvWithQuotesInAnyColumnOrder() throws IOException {
        LabelledTextFiles csv = LabelledTextFiles.csv()
                .labelColumn(0)
                .textColumn(2)
                .labels("neg", "pos")
                .build();
        Path file = write("reviews.csv", "pos,7,\"Fine, \"\"really\"\" fine\"\r\nneg,2,plain text\r\n");
        List<LabelledText> examples = csv.read(file);
        assertEquals("Fine, \"really\" fine", examples.get(0).text());
        assertEquals(1, examples.get(0).label());
        assertEquals(new LabelledText("plain text", 0, file + ":2"), examples.get(1));

        Path broken = write("broken.csv", "pos,7,\"never closed\n");
        assertEquals(
                broken + ":1: a quoted field is not closed (fields cannot span lines)",
                failure(csv, broken).getMessage());
    }

    @Test
    void raggedRowsAndMissingLabelsNameTheLineAndTheExpectedColumns() throws IOException {
        Path file = write("ragged.tsv", "sentence\tlabel\ngood\t1\nno label here\n");
        assertEquals(
                file + ":3: 1 column(s), expected 2 as in the first line (is the label missing?);"
                        + " columns are separated by tabs",
                failure(sst2, file).getMessage());
    }

    @Test
    void unknownLabelIsAnErrorWithTheKnownLabels() throws IOException {
        Path file = write("labels.tsv", "sentence\tlabel\ngood\t1\nmeh\tneutral\n");
        assertEquals(
                file + ":3: unknown label \"neutral\"; the labels are [0, 1]",
                failure(sst2, file).getMessage());
    }

    @Test
    void emptyFilesLinesAndTextsAreErrorsUnlessSkippingIsAskedFor() throws IOException {
        Path empty = write("empty.tsv", "");
        assertEquals(empty + ": the file is empty", failure(sst2, empty).getMessage());

        Path gaps = write("gaps.tsv", "sentence\tlabel\ngood\t1\n\n \t0\nbad\t0\n");
        assertEquals(
                gaps + ":3: empty line (skipEmpty(true) skips and counts empty lines)",
                failure(sst2, gaps).getMessage());

        LabelledTextFiles skipping = LabelledTextFiles.tsv()
                .header(true)
                .labels("0", "1")
                .skipEmpty(true)
                .build();
        List<LabelledText> examples = skipping.read(gaps);
        assertEquals(
                List.of("good", "bad"),
                examples.stream().map(LabelledText::text).toList());
        assertEquals(2, skipping.skipped(), "the empty line and the blank text");

        Path headerOnly = write("header.tsv", "sentence\tlabel\n");
        assertEquals(
                headerOnly + ": no examples in the file",
                failure(sst2, headerOnly).getMessage());
    }

    // found by LabelledTextFilesFuzzTest: with skipEmpty(true) an empty delimited file was counted as
    // one skipped line (a file of blank lines is an error), and a header after skipped empty lines was
    // read as an example
    @Test
    void anEmptyFileIsAnErrorAndTheHeaderIsTheFirstLineThatIsNotEmpty() throws IOException {
        LabelledTextFiles skipping = LabelledTextFiles.tsv()
                .header(true)
                .labels("0", "1")
                .skipEmpty(true)
                .build();
        Path empty = write("empty.tsv", "");
        assertEquals(empty + ": the file is empty", failure(skipping, empty).getMessage());
        assertEquals(0, skipping.skipped());

        Path late = write("late.tsv", "\n\nsentence\tlabel\ngood\t1\n");
        List<LabelledText> examples = skipping.read(late);
        assertEquals(List.of(new LabelledText("good", 1, late + ":4")), examples);
        assertEquals(2, skipping.skipped());
    }

    // a byte-order mark (as Windows editors write into UTF-8 files) was part of the first field
    @Test
    void aByteOrderMarkIsNotPartOfTheText() throws IOException {
        Path file = dir.resolve("bom.tsv");
        Files.write(file, "\uFEFFsentence\tlabel\n\uFEFFgood\t1\n".getBytes(StandardCharsets.UTF_8));
        LabelledTextFiles unlabelledHeader =
                LabelledTextFiles.tsv().labels("0", "1").build();
        assertEquals(
                file + ":1: unknown label \"label\"; the labels are [0, 1]",
                failure(unlabelledHeader, file).getMessage(),
                "the first field is \"sentence\", not \"\\uFEFFsentence\"");
        assertEquals("\uFEFFgood", sst2.read(file).get(0).text(), "only a mark at the start of the file is dropped");
    }

    @Test
    void invalidUtf8NamesTheFileAndByteOffset() throws IOException {
        Path file = dir.resolve("latin1.tsv");
        Files.write(file, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\t', '1', '\n'});
        assertEquals(
                file + ": not UTF-8 text: invalid bytes at byte offset 3; convert the file to UTF-8",
                failure(sst2, file).getMessage());
    }

    @Test
    void readsOneExamplePerFileLabelledByItsFolder() throws IOException {
        write("train/pos/1_9.txt", "Loved it.<br />Really.");
        write("train/pos/0_8.txt", "Fine film");
        write("train/neg/3_1.txt", "Awful");
        write("train/unsup/5_0.txt", "not read by readFolders");
        LabelledTextFiles imdb =
                LabelledTextFiles.folderPerLabel().labels("neg", "pos").build();

        List<LabelledText> examples = imdb.readFolders(dir.resolve("train"));
        assertEquals(
                List.of("Awful", "Fine film", "Loved it.<br />Really."),
                examples.stream().map(LabelledText::text).toList());
        assertEquals(
                List.of(0, 1, 1), examples.stream().map(LabelledText::label).toList());

        IOException e = assertThrows(
                IOException.class,
                () -> imdb.read(new FileSplit(dir.resolve("train").toFile())));
        assertEquals(
                dir.resolve("train/unsup/5_0.txt") + ": the folder \"unsup\" is not one of the labels [neg, pos];"
                        + " put each example in a folder named by its label, or split the corpus by label folder",
                e.getMessage());

        e = assertThrows(IOException.class, () -> imdb.readFolders(dir));
        assertEquals(
                dir.resolve("neg") + ": no folder for label \"neg\"; expected one folder per label [neg, pos] in "
                        + dir,
                e.getMessage());
    }

    @Test
    void configurationMistakesAreCaughtWhenBuilding() {
        assertThrows(IllegalStateException.class, () -> LabelledTextFiles.tsv().build());
        assertThrows(
                IllegalArgumentException.class, () -> LabelledTextFiles.tsv().labels("a", "a"));
        assertThrows(
                IllegalStateException.class,
                () -> LabelledTextFiles.tsv().textColumn(1).labels("0", "1").build());
    }
}
