package org.recurrent4j.kernel;

/**
 * e^x in float32, for the softmax of float32 networks.
 *
 * <pre>
 *   n = round(x · log2 e),   r = x − n · ln 2   (ln 2 in two parts: r is exact to float32),   |r| ≤ ln 2 / 2
 *   e^x = 2^n · P(r),        P the Taylor polynomial of e^r of degree 6
 *
 *   x ≥ −87.33 (results from float32's smallest normal up):  relative error ≤ 3.0e-7 (about 2.5 ulp)
 *   x &lt; −87.33: 0 (e^x is below 1.2e-38);   x &gt; 88.72: +∞;   NaN stays NaN
 * </pre>
 *
 * <p>Why not {@code Math.exp}: a softmax over {@code [T·B, nOut]} outputs takes one exponential per
 * element, and in a float32 loop the JDK's exp runs through libm in double (a vanilla RNN's inference
 * spent 4% of its time there). This is float multiplies and adds, one floor and a shift, so a loop of
 * it over a {@code float[]} stays in registers, from a plain {@code java -cp} or JShell.
 * {@code FastExpTest} checks the bound on every 97th float32 in range and the limits.
 */
public final class FastExp {

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 with the low bits cut, so that {@code n · LN2_HIGH} is exact for |n| ≤ 2^10. */
    private static final float LN2_HIGH = 0.693145751953125f;

    private static final float LN2_LOW = 1.42860682030941723e-6f;
    /** ln(2^−126): below it the result would not be a normal float. */
    private static final float LOWEST = -87.33654475f;
    /** ln(float's largest value). */
    private static final float HIGHEST = 88.72283905f;

    private static final float C2 = 1f / 2;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;

    private FastExp() {}

    /** e^x in float32, within 3.0e-7 relative error (see the class comment for the limits). */
    public static float exp(float x) {
        if (x < LOWEST) {
            return 0f;
        }
        if (x > HIGHEST) {
            return Float.POSITIVE_INFINITY;
        }
        float n = (float) Math.floor(x * LOG2E + 0.5f);
        float r = x - n * LN2_HIGH - n * LN2_LOW;
        float p = 1f + r * (1f + r * (C2 + r * (C3 + r * (C4 + r * (C5 + r * C6)))));
        // 2^n for n in [−126, 128]: n = 128 only where p < 1 brings the product back into range.
        int exponent = (int) n;
        return exponent > 127
                ? p * 2f * Float.intBitsToFloat((exponent + 126) << 23)
                : p * Float.intBitsToFloat((exponent + 127) << 23);
    }
}
