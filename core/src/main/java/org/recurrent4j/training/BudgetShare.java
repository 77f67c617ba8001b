package org.recurrent4j.training;

/**
 * The share of a training budget used, which a learning-rate schedule follows: a run that starts
 * with {@code startShare} of it used, at progress {@code startProgress} (a step count or elapsed
 * time), uses the rest linearly up to progress {@code total}:
 *
 * <pre>
 *   share(p) = min(1, s₀ + (1 − s₀) · (p − p₀) / (total − p₀))     (1 when nothing is left)
 * </pre>
 *
 * <p>A fresh run's share is {@code p / total}; a resumed run with the same budget gets the share
 * of the run without a stop, and one with a larger budget goes on from where its checkpoint stood,
 * so a decaying rate never jumps back up.
 *
 * <pre>{@code
 * BudgetShare share = new BudgetShare(0.5, 700, 1700); // half used at step 700, budget now 1700 steps
 * share.at(1200);                                        // 0.75
 * }</pre>
 */
public record BudgetShare(double startShare, double startProgress, double total) {

    /** The share used at {@code progress}. */
    public double at(double progress) {
        double left = total - startProgress;
        return left <= 0 ? 1 : Math.min(1, startShare + (1 - startShare) * (progress - startProgress) / left);
    }
}
