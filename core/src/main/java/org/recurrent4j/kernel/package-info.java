/**
 * The compute kernels under the recurrent layers: direct access to ND4J's off-heap memory ({@link
 * org.recurrent4j.kernel.NativeArray}), row-major GEMM straight into OpenBLAS at element offsets
 * ({@link org.recurrent4j.kernel.Blas}), a row loop split over the cores ({@link
 * org.recurrent4j.kernel.RowParallel}) and reusable work memory ({@link
 * org.recurrent4j.kernel.Buffers}, {@link org.recurrent4j.kernel.BufferPool}).
 *
 * <p>This package is internal: cells (in {@code org.recurrent4j.cell}) and the loop (in {@code
 * org.recurrent4j.layer}) use it, and it may change between versions without notice. A cell author
 * reads and writes the arrays a {@link org.recurrent4j.cell.WorkArrays} hands out and may call
 * {@code Blas} and {@code RowParallel}; nothing else here is meant for users.
 */
package org.recurrent4j.kernel;
