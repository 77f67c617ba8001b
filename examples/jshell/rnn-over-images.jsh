// rnn-over-images.jsh: a recurrent layer over an image (Recurrent2d), its four directional sweeps
// computed by hand on a tiny image and checked against the layer; then a captioning scene drawn as
// a PNG with its caption.
//
//   ./recurrent4j jshell rnn-over-images
//
// Parameters: none (RECURRENT4J_OUT=DIR keeps the PNG there; otherwise a temporary folder).
// Everything runs in float64, so "the same" means equal to 1e-10. The last cells check the
// results and throw if any is wrong.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.recurrent4j.conf.Recurrent2d;
import org.recurrent4j.conf.Rnn;
import org.recurrent4j.images.ShapeScenes;
import org.recurrent4j.seq2seq.HeldOutSplit;

// A failed check stops the notebook: the runner reports the exception and exits with status 1.
void check(boolean ok, String what) {
    if (!ok) {
        throw new AssertionError("CHECK FAILED: " + what);
    }
    System.out.println("ok: " + what);
}

double maxDiff(INDArray a, INDArray b) {
    return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
}

// ---------------------------------------------------------------------------------------------
// 1. The layer
//
// Recurrent2d runs a 1-D recurrent cell over an image [B, C, H, W] in four directions: along every
// row left to right (→) and right to left (←), along every column top to bottom (↓) and bottom to
// top (↑). Each direction has its own parameters. With FOUR_SWEEPS and CONCAT the output is
// [B, 4H, H, W]: at pixel (i, j), h→ has read row i up to column j, h← row i from column j on,
// h↓ column j down to row i, h↑ column j up to row i. So each output sees its whole row and column.
//
// Here: one image of 2 channels, 3 rows, 4 columns; a vanilla tanh RNN of 2 units per direction.

int C = 2, Hgt = 3, Wid = 4, U = 2;
MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(DataType.DOUBLE)
        .list()
        .layer(new Recurrent2d.Builder(new Rnn.Builder().nOut(U).build()).build())
        .setInputType(InputType.convolutional(Hgt, Wid, C))
        .build());
net.init();
Nd4j.getRandom().setSeed(3);
INDArray image = Nd4j.rand(DataType.DOUBLE, 1, C, Hgt, Wid).subi(0.5).muli(2);
INDArray out = net.output(image);
System.out.println("output shape " + java.util.Arrays.toString(out.shape()) + " (4 directions × " + U + " units)");

// Each direction's parameters sit under its prefix: "0_right-Wih", "0_right-Whh", ... (layer 0).
// Non-zero biases, so the check covers them too.
for (String d : new String[] {"right-", "left-", "down-", "up-"}) {
    net.getParam("0_" + d + "bih").assign(Nd4j.rand(DataType.DOUBLE, U).subi(0.5));
}
out = net.output(image);

// ---------------------------------------------------------------------------------------------
// 2. The four sweeps by hand
//
//     h→[i, j] = tanh(W_ih x[i, j] + b_ih + W_hh h→[i, j-1] + b_hh),   h→[i, -1] = 0
//     h←[i, j] = tanh(W_ih x[i, j] + b_ih + W_hh h←[i, j+1] + b_hh),   h←[i, W] = 0
//     h↓[i, j] = tanh(W_ih x[i, j] + b_ih + W_hh h↓[i-1, j] + b_hh),   h↓[-1, j] = 0
//     h↑[i, j] = tanh(W_ih x[i, j] + b_ih + W_hh h↑[i+1, j] + b_hh),   h↑[H, j] = 0
//
// with each direction's own W_ih [U, C], W_hh [U, U], b_ih, b_hh. x[i, j] is the pixel's channel
// vector [C].

INDArray pixel(INDArray img, int i, int j) {
    return img.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all(),
            org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(j)).reshape(-1, 1);
}

// One sweep: horizontal or vertical, forward or reversed; returns [U, H, W].
INDArray sweep(INDArray img, String prefix, boolean horizontal, boolean reversed) {
    INDArray Wih = net.getParam("0_" + prefix + "Wih");
    INDArray Whh = net.getParam("0_" + prefix + "Whh");
    INDArray b = net.getParam("0_" + prefix + "bih").add(net.getParam("0_" + prefix + "bhh")).reshape(U, 1);
    int rows = (int) img.size(2), cols = (int) img.size(3);
    INDArray result = Nd4j.zeros(DataType.DOUBLE, U, rows, cols);
    int lines = horizontal ? rows : cols, steps = horizontal ? cols : rows;
    for (int line = 0; line < lines; line++) {
        INDArray h = Nd4j.zeros(DataType.DOUBLE, U, 1);
        for (int s = 0; s < steps; s++) {
            int t = reversed ? steps - 1 - s : s;
            int i = horizontal ? line : t, j = horizontal ? t : line;
            h = Transforms.tanh(Wih.mmul(pixel(img, i, j)).add(b).add(Whh.mmul(h)));
            for (int k = 0; k < U; k++) {
                result.putScalar(k, i, j, h.getDouble(k, 0));
            }
        }
    }
    return result;
}

INDArray byHand = Nd4j.concat(0,
        sweep(image, "right-", true, false), sweep(image, "left-", true, true),
        sweep(image, "down-", false, false), sweep(image, "up-", false, true)).reshape(1, 4 * U, Hgt, Wid);
double sweepDiff = maxDiff(out, byHand);
System.out.printf("four sweeps: max |layer - by hand| = %.2e%n", sweepDiff);

// How far does a pixel reach? Change the top-left pixel: the outputs that change are those in its
// row and its column (the cross), and no other.
INDArray moved = image.dup();
moved.putScalar(new long[] {0, 0, 0, 0}, image.getDouble(0, 0, 0, 0) + 1);
INDArray change = Transforms.abs(net.output(moved).sub(out)).max(1).reshape(Hgt, Wid);
System.out.println("where the output changes when pixel (0, 0) changes:\n" + change.gt(1e-12).castTo(DataType.INT));
boolean crossOnly = true;
for (int i = 0; i < Hgt; i++) {
    for (int j = 0; j < Wid; j++) {
        crossOnly &= (change.getDouble(i, j) > 1e-12) == (i == 0 || j == 0);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. ReNet: a horizontal bidirectional sweep, then a vertical one over its output
//
//     V = [h→; h←] over the image,   Y = [h↓; h↑] over V
//
// The vertical sweeps read V, so each output depends on every pixel: one layer sees the image.

MultiLayerNetwork renet = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(8)
        .dataType(DataType.DOUBLE)
        .list()
        .layer(new Recurrent2d.Builder(new Rnn.Builder().nOut(U).build())
                .composition(Recurrent2d.Composition.RENET).build())
        .setInputType(InputType.convolutional(Hgt, Wid, C))
        .build());
renet.init();
net = renet;   // sweep() reads the parameters of `net`
INDArray v = Nd4j.concat(0, sweep(image, "right-", true, false), sweep(image, "left-", true, true))
        .reshape(1, 2 * U, Hgt, Wid);
INDArray renetByHand = Nd4j.concat(0, sweep(v, "down-", false, false), sweep(v, "up-", false, true))
        .reshape(1, 2 * U, Hgt, Wid);
double renetDiff = maxDiff(renet.output(image), renetByHand);
System.out.printf("ReNet: max |layer - by hand| = %.2e%n", renetDiff);
INDArray renetChange = Transforms.abs(renet.output(moved).sub(renet.output(image))).max(1);
double reachedEverywhere = renetChange.minNumber().doubleValue();

// ---------------------------------------------------------------------------------------------
// 4. A captioning scene
//
// ShapeScenes draws two coloured shapes on a 16×16 canvas, one above the other or side by side,
// with the caption that describes them; scenes held out from training are combinations a
// captioner never saw (docs/images.md trains one: a Recurrent2d encoder, a GRU decoder).

ShapeScenes scenes = new ShapeScenes(HeldOutSplit.of(0.2));
ShapeScenes.Scene scene = scenes.draw(HeldOutSplit.Part.HELD_OUT, new Random(5));
INDArray drawn = scenes.render(scene, new Random(6));
String outDir = System.getenv("RECURRENT4J_OUT");
Path folder = outDir != null ? Path.of(outDir) : Files.createTempDirectory("rnn-over-images");
Path png = folder.resolve("scene.png");
ShapeScenes.writePng(drawn, 8, png);
System.out.println("caption: \"" + scene.caption() + "\"");
System.out.println("image:   " + png + " (128×128: each pixel drawn as 8×8)");

// ---------------------------------------------------------------------------------------------
// Checks

check(sweepDiff < 1e-10, "the four sweeps equal the RNN equations by hand to 1e-10");
check(crossOnly, "one pixel reaches exactly its row and its column (four independent sweeps)");
check(renetDiff < 1e-10, "ReNet equals a horizontal then a vertical bidirectional sweep by hand to 1e-10");
check(reachedEverywhere > 1e-12, "in ReNet one pixel reaches every output");
check(byHand.norm2Number().doubleValue() > 0.1, "outputs are not trivially zero");
check(ImageIO.read(png.toFile()).getWidth() == 128, "the scene was written as a 128×128 PNG");
