/**
 * Training tools beyond DL4J's {@code fit}: online training by real-time recurrent learning
 * ({@link org.recurrent4j.training.RtrlTrainer} on a stream of {@link
 * org.recurrent4j.training.StreamStep}s) and gradient-flow diagnostics ({@link
 * org.recurrent4j.training.GradientFlowListener}). See {@code docs/training.md}.
 */
package org.recurrent4j.training;
