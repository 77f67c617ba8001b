package org.recurrent4j.examples.diagnostics;

import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.recurrent4j.io.AtomicFile;

/** Writes an XChart chart as a PNG image, atomically. */
public final class PngChart {

    private PngChart() {}

    /** Renders {@code chart} at its size and writes it to {@code file}. */
    public static void write(Path file, Chart<?, ?> chart) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFile.writeStream(file, out -> out.write(png));
    }
}
