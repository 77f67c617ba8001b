/**
 * The compute kernels under the recurrent layers: element access to ND4J's memory ({@link
 * org.recurrent4j.kernel.NativeArray}), row-major GEMM at element offsets ({@link
 * org.recurrent4j.kernel.Blas}), a row loop split over the cores ({@link
 * org.recurrent4j.kernel.RowParallel}), the pass's hold on the cores, in which products are split
 * over them with single-threaded BLAS ({@link org.recurrent4j.kernel.CoreScope}), the float32
 * loops' blocks of rows in heap arrays ({@link org.recurrent4j.kernel.FloatRows}) and their
 * vectorizable tanh and sigmoid ({@link org.recurrent4j.kernel.RationalTanh}), reusable work memory ({@link
 * org.recurrent4j.kernel.Buffers}, {@link org.recurrent4j.kernel.BufferPool}) and the choice
 * between the direct (CPU, OpenBLAS) and the portable (any ND4J backend) kernels ({@link
 * org.recurrent4j.kernel.KernelPath}).
 *
 * <p>What is API here, and for whom:
 *
 * <ul>
 *   <li><b>For cell authors</b> (kept compatible; a change is announced in the release notes):
 *       {@link org.recurrent4j.kernel.NativeArray}'s element access ({@code get}, {@code set},
 *       {@code add}, {@code clear}, {@code length}, {@code dataType}, and {@code array()} for a
 *       whole-array ND4J operation such as a random mask), {@link
 *       org.recurrent4j.kernel.Blas#gemm}, {@link org.recurrent4j.kernel.RowParallel#run}, and for
 *       a float32 loop {@code NativeArray}'s {@code read}/{@code write}, {@link
 *       org.recurrent4j.kernel.FloatRows} and {@link org.recurrent4j.kernel.RationalTanh}. A
 *       cell gets its arrays from {@link org.recurrent4j.cell.WorkArrays} and never allocates
 *       memory itself; the same code then runs on both kernel paths.
 *   <li><b>For every user</b>: {@link org.recurrent4j.kernel.KernelPath} (which path runs, and a
 *       switch) and {@link org.recurrent4j.kernel.BufferPool#SHARED}'s {@code releaseIdle} and
 *       statistics.
 *   <li><b>Internal</b> (used by the loop, {@code org.recurrent4j.layer}; may change without
 *       notice): {@link org.recurrent4j.kernel.Buffers}, {@code NativeArray.of} and {@code
 *       NativeArray.view}, {@link org.recurrent4j.kernel.CoreScope}, and the GEMM implementations
 *       behind {@code Blas}.
 * </ul>
 *
 * <p>Direct access to memory (NIO views, pointers, OpenBLAS) belongs to the direct path's classes
 * only: a cell that reached for it would not run on the portable path.
 */
package org.recurrent4j.kernel;
