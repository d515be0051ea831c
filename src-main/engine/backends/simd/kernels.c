/*
 * SIMD kernels for training on tfjs-backend-wasm (NHWC, float32).
 *
 * This module imports tfjs' own WebAssembly.Memory, so every pointer below is a byte offset in the
 * tfjs heap and kernels read and write tensors where they already live (no copies in or out).
 * The price of sharing the heap: this module must own no memory. It has no static data and must never
 * touch the shadow stack (its __stack_pointer would point into tfjs' heap); build.mjs refuses a binary
 * whose code reads or writes any global. So: no local arrays, no address-taken locals, no libc calls.
 * memset is allowed only because -mbulk-memory lowers it to the memory.fill instruction.
 *
 * The convolution gradients here are only the data-movement halves (im2col, col2im); the FLOPs go
 * through the backend's XNNPACK matmul, which is far faster than anything written here.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef float f32;

static inline int imin(int a, int b) { return a < b ? a : b; }

static inline void zero(f32 *p, int n) {
  if (n > 0) __builtin_memset(p, 0, (unsigned long)n * sizeof(f32));
}

/* First and one-past-last output index o for which i = o*stride + off lies in [0, size). */
static inline int range_lo(int off, int stride) { return off >= 0 ? 0 : (-off + stride - 1) / stride; }
static inline int range_hi(int off, int stride, int size, int outSize) {
  if (size - off <= 0) return 0;
  return imin(outSize, (size - off + stride - 1) / stride);
}

/*
 * Transposed im2col: out[k][m] with k = (kh, kw, c) (the filter's [KH, KW, C, Cout] row order) and
 * m = (n, oh, ow). With it the filter gradient is one plain matmul out · dy[M × Cout], the shape
 * XNNPACK is fast at (no transposed operand).
 * Four channels at a time are loaded as vectors and transposed in registers so that stores stay
 * contiguous along m.
 */
EXPORT(im2col_t)
void im2col_t(const f32 *x, f32 *out, int N, int H, int W, int C, int KH, int KW, int sH, int sW,
              int dH, int dW, int pT, int pL, int OH, int OW) {
  const int M = N * OH * OW;
  const int pix = sW * C; /* distance between neighbouring ow in x */
  for (int kh = 0; kh < KH; kh++) {
    for (int kw = 0; kw < KW; kw++) {
      const int off = kw * dW - pL;
      int lo = range_lo(off, sW);
      int hi = range_hi(off, sW, W, OW);
      if (lo > hi) lo = hi;
      for (int c0 = 0; c0 < C; c0 += 4) {
        const int cn = imin(4, C - c0);
        f32 *rows = out + ((kh * KW + kw) * C + c0) * M;
        int m = 0;
        for (int n = 0; n < N; n++) {
          for (int oh = 0; oh < OH; oh++, m += OW) {
            const int ih = oh * sH + kh * dH - pT;
            if (ih < 0 || ih >= H) {
              for (int j = 0; j < cn; j++) zero(rows + j * M + m, OW);
              continue;
            }
            for (int j = 0; j < cn; j++) {
              zero(rows + j * M + m, lo);
              zero(rows + j * M + m + hi, OW - hi);
            }
            /* src + ow*pix is channel c0 of input pixel (ih, ow*sW + off). */
            const f32 *src = x + ((n * H + ih) * W + off) * C + c0;
            f32 *r0 = rows + m;
            int ow = lo;
            if (cn == 4) {
              for (; ow + 4 <= hi; ow += 4) {
                const f32 *s = src + ow * pix;
                v128_t a = wasm_v128_load(s);
                v128_t b = wasm_v128_load(s + pix);
                v128_t c = wasm_v128_load(s + 2 * pix);
                v128_t d = wasm_v128_load(s + 3 * pix);
                v128_t t0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
                v128_t t1 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
                v128_t t2 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
                v128_t t3 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
                wasm_v128_store(r0 + ow, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
                wasm_v128_store(r0 + M + ow, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
                wasm_v128_store(r0 + 2 * M + ow, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
                wasm_v128_store(r0 + 3 * M + ow, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
              }
            } else if (cn == 1 && pix == 1) {
              for (; ow + 4 <= hi; ow += 4) wasm_v128_store(r0 + ow, wasm_v128_load(src + ow));
            }
            for (; ow < hi; ow++) {
              for (int j = 0; j < cn; j++) r0[j * M + ow] = src[ow * pix + j];
            }
          }
        }
      }
    }
  }
}

/*
 * col2im: the adjoint of im2col. cols[m][k] (k = (kh, kw, c)) is scattered and summed into dx,
 * which is zeroed first. With cols = dy · Wᵀ this is the input gradient of a convolution.
 */
EXPORT(col2im)
void col2im(const f32 *cols, f32 *dx, int N, int H, int W, int C, int KH, int KW, int sH, int sW,
            int dH, int dW, int pT, int pL, int OH, int OW) {
  const int K = KH * KW * C;
  zero(dx, N * H * W * C);
  const f32 *col = cols;
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++, col += K) {
        for (int kh = 0; kh < KH; kh++) {
          const int ih = oh * sH + kh * dH - pT;
          if (ih < 0 || ih >= H) continue;
          for (int kw = 0; kw < KW; kw++) {
            const int iw = ow * sW + kw * dW - pL;
            if (iw < 0 || iw >= W) continue;
            f32 *d = dx + ((n * H + ih) * W + iw) * C;
            const f32 *s = col + (kh * KW + kw) * C;
            int c = 0;
            for (; c + 4 <= C; c += 4)
              wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c), wasm_v128_load(s + c)));
            for (; c < C; c++) d[c] += s[c];
          }
        }
      }
    }
  }
}

/*
 * Max-pool gradient. y is the forward output, so a window's maximum is known and the gradient goes to
 * the first input in scan order equal to it — the position tfjs' cpu backend picks. Lanes that have
 * found their maximum are masked off. When windows cannot overlap (stride ≥ window, the usual 2×2/2),
 * every input belongs to at most one window and dx is stored directly; otherwise dx is accumulated.
 */
EXPORT(max_pool_grad)
void max_pool_grad(const f32 *x, const f32 *y, const f32 *dy, f32 *dx, int N, int H, int W, int C,
                   int PH, int PW, int sH, int sW, int dH, int dW, int pT, int pL, int OH, int OW) {
  const int disjoint = sH >= (PH - 1) * dH + 1 && sW >= (PW - 1) * dW + 1;
  /* Disjoint windows that tile the input exactly leave no input uncovered: no need to clear dx. */
  const int tiled = disjoint && dH == 1 && dW == 1 && pT == 0 && pL == 0 && sH == PH && sW == PW && OH * PH == H && OW * PW == W;
  if (!tiled) zero(dx, N * H * W * C);
  const int C4 = C - C % 4;
  int o = 0;
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      const int ih0 = oh * sH - pT;
      const int kh0 = ih0 >= 0 ? 0 : (-ih0 + dH - 1) / dH;
      const int kh1 = imin(PH, (H - ih0 + dH - 1) / dH);
      for (int ow = 0; ow < OW; ow++, o += C) {
        const int iw0 = ow * sW - pL;
        const int kw0 = iw0 >= 0 ? 0 : (-iw0 + dW - 1) / dW;
        const int kw1 = imin(PW, (W - iw0 + dW - 1) / dW);
        const int base = (n * H + ih0) * W + iw0;
        for (int c = 0; c < C4; c += 4) {
          const v128_t ym = wasm_v128_load(y + o + c);
          const v128_t g = wasm_v128_load(dy + o + c);
          v128_t found = wasm_i32x4_splat(0);
          for (int kh = kh0; kh < kh1; kh++) {
            for (int kw = kw0; kw < kw1; kw++) {
              const int p = (base + kh * dH * W + kw * dW) * C + c;
              const v128_t eq = wasm_v128_andnot(wasm_f32x4_eq(wasm_v128_load(x + p), ym), found);
              if (disjoint) wasm_v128_store(dx + p, wasm_v128_and(eq, g));
              else wasm_v128_store(dx + p, wasm_f32x4_add(wasm_v128_load(dx + p), wasm_v128_and(eq, g)));
              found = wasm_v128_or(found, eq);
            }
          }
        }
        for (int c = C4; c < C; c++) {
          const f32 ym = y[o + c];
          int done = 0;
          for (int kh = kh0; kh < kh1; kh++) {
            for (int kw = kw0; kw < kw1; kw++) {
              const int p = (base + kh * dH * W + kw * dW) * C + c;
              const int hit = !done && x[p] == ym;
              if (disjoint) dx[p] = hit ? dy[o + c] : 0.f;
              else if (hit) dx[p] += dy[o + c];
              done |= hit;
            }
          }
        }
      }
    }
  }
}

/*
 * Average-pool gradient: every input in a window gets dy · scale. tfjs' cpu backend uses
 * scale = 1 / (PH·PW) for every window, border windows of 'same' padding included; the caller passes
 * the scale so that this kernel agrees with it.
 */
EXPORT(avg_pool_grad)
void avg_pool_grad(const f32 *dy, f32 *dx, int N, int H, int W, int C, int PH, int PW, int sH, int sW,
                   int dH, int dW, int pT, int pL, int OH, int OW, f32 scale) {
  const int disjoint = sH >= (PH - 1) * dH + 1 && sW >= (PW - 1) * dW + 1;
  zero(dx, N * H * W * C);
  const v128_t vs = wasm_f32x4_splat(scale);
  const int C4 = C - C % 4;
  int o = 0;
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      const int ih0 = oh * sH - pT;
      const int kh0 = ih0 >= 0 ? 0 : (-ih0 + dH - 1) / dH;
      const int kh1 = imin(PH, (H - ih0 + dH - 1) / dH);
      for (int ow = 0; ow < OW; ow++, o += C) {
        const int iw0 = ow * sW - pL;
        const int kw0 = iw0 >= 0 ? 0 : (-iw0 + dW - 1) / dW;
        const int kw1 = imin(PW, (W - iw0 + dW - 1) / dW);
        const int base = (n * H + ih0) * W + iw0;
        for (int kh = kh0; kh < kh1; kh++) {
          for (int kw = kw0; kw < kw1; kw++) {
            f32 *d = dx + (base + kh * dH * W + kw * dW) * C;
            const f32 *g = dy + o;
            if (disjoint) {
              for (int c = 0; c < C4; c += 4) wasm_v128_store(d + c, wasm_f32x4_mul(wasm_v128_load(g + c), vs));
              for (int c = C4; c < C; c++) d[c] = g[c] * scale;
            } else {
              for (int c = 0; c < C4; c += 4)
                wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c), wasm_f32x4_mul(wasm_v128_load(g + c), vs)));
              for (int c = C4; c < C; c++) d[c] += g[c] * scale;
            }
          }
        }
      }
    }
  }
}

/*
 * Column sums out[c] = scale · Σ_r x[r][c]: the bias gradient of dense and conv layers, and the batch
 * statistics of batch norm (a reduction over the leading axes). The stock kernel transposes first.
 * Rows are summed in blocks of 64 so that the float32 error grows with the number of blocks, not rows.
 */
#define SUM_BLOCK 64
EXPORT(sum_rows)
void sum_rows(const f32 *x, f32 *out, int R, int C, f32 scale) {
  zero(out, C);
  for (int r0 = 0; r0 < R; r0 += SUM_BLOCK) {
    const int r1 = imin(R, r0 + SUM_BLOCK);
    int c = 0;
    for (; c + 8 <= C; c += 8) {
      v128_t a0 = wasm_f32x4_splat(0.f), a1 = wasm_f32x4_splat(0.f);
      const f32 *p = x + r0 * C + c;
      for (int r = r0; r < r1; r++, p += C) {
        a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
        a1 = wasm_f32x4_add(a1, wasm_v128_load(p + 4));
      }
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), a0));
      wasm_v128_store(out + c + 4, wasm_f32x4_add(wasm_v128_load(out + c + 4), a1));
    }
    for (; c + 4 <= C; c += 4) {
      v128_t a0 = wasm_f32x4_splat(0.f);
      const f32 *p = x + r0 * C + c;
      for (int r = r0; r < r1; r++, p += C) a0 = wasm_f32x4_add(a0, wasm_v128_load(p));
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), a0));
    }
    for (; c < C; c++) {
      f32 a = 0.f;
      const f32 *p = x + r0 * C + c;
      for (int r = r0; r < r1; r++, p += C) a += *p;
      out[c] += a;
    }
  }
  if (scale != 1.f) {
    int c = 0;
    const v128_t vs = wasm_f32x4_splat(scale);
    for (; c + 4 <= C; c += 4) wasm_v128_store(out + c, wasm_f32x4_mul(wasm_v128_load(out + c), vs));
    for (; c < C; c++) out[c] *= scale;
  }
}

/*
 * Depthwise convolution gradients (filter [KH, KW, C, Q], output channel c·Q + q). Not on the hot path
 * of the templates, so they are plain loops; they exist because the stock backend has none.
 */
EXPORT(depthwise_filter_grad)
void depthwise_filter_grad(const f32 *x, const f32 *dy, f32 *dw, int N, int H, int W, int C, int Q,
                           int KH, int KW, int sH, int sW, int dH, int dW, int pT, int pL, int OH,
                           int OW) {
  const int CQ = C * Q;
  zero(dw, KH * KW * CQ);
  for (int kh = 0; kh < KH; kh++) {
    for (int kw = 0; kw < KW; kw++) {
      f32 *acc = dw + (kh * KW + kw) * CQ;
      const int offW = kw * dW - pL;
      int lo = range_lo(offW, sW);
      const int hi = range_hi(offW, sW, W, OW);
      for (int n = 0; n < N; n++) {
        for (int oh = 0; oh < OH; oh++) {
          const int ih = oh * sH + kh * dH - pT;
          if (ih < 0 || ih >= H) continue;
          for (int ow = lo; ow < hi; ow++) {
            const f32 *xp = x + ((n * H + ih) * W + ow * sW + offW) * C;
            const f32 *g = dy + ((n * OH + oh) * OW + ow) * CQ;
            if (Q == 1) {
              int c = 0;
              for (; c + 4 <= C; c += 4)
                wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c),
                                                        wasm_f32x4_mul(wasm_v128_load(xp + c), wasm_v128_load(g + c))));
              for (; c < C; c++) acc[c] += xp[c] * g[c];
            } else {
              for (int c = 0; c < C; c++) {
                const f32 xv = xp[c];
                for (int q = 0; q < Q; q++) acc[c * Q + q] += xv * g[c * Q + q];
              }
            }
          }
        }
      }
    }
  }
}

EXPORT(depthwise_input_grad)
void depthwise_input_grad(const f32 *dy, const f32 *w, f32 *dx, int N, int H, int W, int C, int Q,
                          int KH, int KW, int sH, int sW, int dH, int dW, int pT, int pL, int OH,
                          int OW) {
  const int CQ = C * Q;
  zero(dx, N * H * W * C);
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      for (int ow = 0; ow < OW; ow++) {
        const f32 *g = dy + ((n * OH + oh) * OW + ow) * CQ;
        for (int kh = 0; kh < KH; kh++) {
          const int ih = oh * sH + kh * dH - pT;
          if (ih < 0 || ih >= H) continue;
          for (int kw = 0; kw < KW; kw++) {
            const int iw = ow * sW + kw * dW - pL;
            if (iw < 0 || iw >= W) continue;
            f32 *d = dx + ((n * H + ih) * W + iw) * C;
            const f32 *wk = w + (kh * KW + kw) * CQ;
            if (Q == 1) {
              int c = 0;
              for (; c + 4 <= C; c += 4)
                wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c),
                                                      wasm_f32x4_mul(wasm_v128_load(g + c), wasm_v128_load(wk + c))));
              for (; c < C; c++) d[c] += g[c] * wk[c];
            } else {
              for (int c = 0; c < C; c++) {
                f32 s = 0.f;
                for (int q = 0; q < Q; q++) s += g[c * Q + q] * wk[c * Q + q];
                d[c] += s;
              }
            }
          }
        }
      }
    }
  }
}

/*
 * C[K×N] += A[K×M] · B[M×N], all row-major, for a long reduction M and a small output: the filter
 * gradient colsᵀ · dy. XNNPACK would repack the M×N operand on every call (it treats it as weights),
 * which costs more than the product itself when it is an activation gradient (3 ms of 4 for a
 * 9×86528×8 product). Tiles of 4 rows × 16 columns (or 8 × 8) stay in registers while M streams by.
 */
static inline void gemm_tile_4x16(const f32 *A, const f32 *B, f32 *C, int M, int N, int lda) {
  v128_t c00 = wasm_v128_load(C), c01 = wasm_v128_load(C + 4), c02 = wasm_v128_load(C + 8), c03 = wasm_v128_load(C + 12);
  v128_t c10 = wasm_v128_load(C + N), c11 = wasm_v128_load(C + N + 4), c12 = wasm_v128_load(C + N + 8), c13 = wasm_v128_load(C + N + 12);
  v128_t c20 = wasm_v128_load(C + 2 * N), c21 = wasm_v128_load(C + 2 * N + 4), c22 = wasm_v128_load(C + 2 * N + 8), c23 = wasm_v128_load(C + 2 * N + 12);
  v128_t c30 = wasm_v128_load(C + 3 * N), c31 = wasm_v128_load(C + 3 * N + 4), c32 = wasm_v128_load(C + 3 * N + 8), c33 = wasm_v128_load(C + 3 * N + 12);
  for (int m = 0; m < M; m++) {
    const f32 *b = B + m * N;
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4), b2 = wasm_v128_load(b + 8), b3 = wasm_v128_load(b + 12);
    v128_t a = wasm_v128_load32_splat(A + m);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    c02 = wasm_f32x4_add(c02, wasm_f32x4_mul(a, b2)); c03 = wasm_f32x4_add(c03, wasm_f32x4_mul(a, b3));
    a = wasm_v128_load32_splat(A + lda + m);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    c12 = wasm_f32x4_add(c12, wasm_f32x4_mul(a, b2)); c13 = wasm_f32x4_add(c13, wasm_f32x4_mul(a, b3));
    a = wasm_v128_load32_splat(A + 2 * lda + m);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    c22 = wasm_f32x4_add(c22, wasm_f32x4_mul(a, b2)); c23 = wasm_f32x4_add(c23, wasm_f32x4_mul(a, b3));
    a = wasm_v128_load32_splat(A + 3 * lda + m);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
    c32 = wasm_f32x4_add(c32, wasm_f32x4_mul(a, b2)); c33 = wasm_f32x4_add(c33, wasm_f32x4_mul(a, b3));
  }
  wasm_v128_store(C, c00); wasm_v128_store(C + 4, c01); wasm_v128_store(C + 8, c02); wasm_v128_store(C + 12, c03);
  wasm_v128_store(C + N, c10); wasm_v128_store(C + N + 4, c11); wasm_v128_store(C + N + 8, c12); wasm_v128_store(C + N + 12, c13);
  wasm_v128_store(C + 2 * N, c20); wasm_v128_store(C + 2 * N + 4, c21); wasm_v128_store(C + 2 * N + 8, c22); wasm_v128_store(C + 2 * N + 12, c23);
  wasm_v128_store(C + 3 * N, c30); wasm_v128_store(C + 3 * N + 4, c31); wasm_v128_store(C + 3 * N + 8, c32); wasm_v128_store(C + 3 * N + 12, c33);
}

static inline void gemm_tile_8x8(const f32 *A, const f32 *B, f32 *C, int M, int N, int lda) {
  v128_t c00 = wasm_v128_load(C), c01 = wasm_v128_load(C + 4);
  v128_t c10 = wasm_v128_load(C + N), c11 = wasm_v128_load(C + N + 4);
  v128_t c20 = wasm_v128_load(C + 2 * N), c21 = wasm_v128_load(C + 2 * N + 4);
  v128_t c30 = wasm_v128_load(C + 3 * N), c31 = wasm_v128_load(C + 3 * N + 4);
  v128_t c40 = wasm_v128_load(C + 4 * N), c41 = wasm_v128_load(C + 4 * N + 4);
  v128_t c50 = wasm_v128_load(C + 5 * N), c51 = wasm_v128_load(C + 5 * N + 4);
  v128_t c60 = wasm_v128_load(C + 6 * N), c61 = wasm_v128_load(C + 6 * N + 4);
  v128_t c70 = wasm_v128_load(C + 7 * N), c71 = wasm_v128_load(C + 7 * N + 4);
  for (int m = 0; m < M; m++) {
    const f32 *b = B + m * N;
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a;
    a = wasm_v128_load32_splat(A + m);           c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(A + lda + m);     c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(A + 2 * lda + m); c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0)); c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(A + 3 * lda + m); c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0)); c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(A + 4 * lda + m); c40 = wasm_f32x4_add(c40, wasm_f32x4_mul(a, b0)); c41 = wasm_f32x4_add(c41, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(A + 5 * lda + m); c50 = wasm_f32x4_add(c50, wasm_f32x4_mul(a, b0)); c51 = wasm_f32x4_add(c51, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(A + 6 * lda + m); c60 = wasm_f32x4_add(c60, wasm_f32x4_mul(a, b0)); c61 = wasm_f32x4_add(c61, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(A + 7 * lda + m); c70 = wasm_f32x4_add(c70, wasm_f32x4_mul(a, b0)); c71 = wasm_f32x4_add(c71, wasm_f32x4_mul(a, b1));
  }
  wasm_v128_store(C, c00); wasm_v128_store(C + 4, c01);
  wasm_v128_store(C + N, c10); wasm_v128_store(C + N + 4, c11);
  wasm_v128_store(C + 2 * N, c20); wasm_v128_store(C + 2 * N + 4, c21);
  wasm_v128_store(C + 3 * N, c30); wasm_v128_store(C + 3 * N + 4, c31);
  wasm_v128_store(C + 4 * N, c40); wasm_v128_store(C + 4 * N + 4, c41);
  wasm_v128_store(C + 5 * N, c50); wasm_v128_store(C + 5 * N + 4, c51);
  wasm_v128_store(C + 6 * N, c60); wasm_v128_store(C + 6 * N + 4, c61);
  wasm_v128_store(C + 7 * N, c70); wasm_v128_store(C + 7 * N + 4, c71);
}

/* One row of A against four columns of B (the edges the tiles above leave). */
static inline void gemm_tile_1x4(const f32 *A, const f32 *B, f32 *C, int M, int N) {
  v128_t c = wasm_v128_load(C);
  for (int m = 0; m < M; m++) c = wasm_f32x4_add(c, wasm_f32x4_mul(wasm_v128_load32_splat(A + m), wasm_v128_load(B + m * N)));
  wasm_v128_store(C, c);
}

EXPORT(gemm_acc)
void gemm_acc(const f32 *A, const f32 *B, f32 *C, int K, int M, int N) {
  const int N16 = N - N % 16, N8 = N - N % 8, N4 = N - N % 4;
  int k = 0, n;
  /* Wide tiles: 4 × 16 where columns allow, else 8 × 8. */
  for (n = 0; n < N16; n += 16)
    for (k = 0; k + 4 <= K; k += 4) gemm_tile_4x16(A + k * M, B + n, C + k * N + n, M, N, M);
  for (; n < N8; n += 8)
    for (k = 0; k + 8 <= K; k += 8) gemm_tile_8x8(A + k * M, B + n, C + k * N + n, M, N, M);
  /* Rows the wide tiles left: below the last 4-row tile (columns < N16) and 8-row tile (< N8). */
  const int rows16 = K - K % 4, rows8 = K - K % 8;
  for (int kk = 0; kk < K; kk++) {
    for (int c = 0; c < N4; c += 4) {
      const int covered = c < N16 ? kk < rows16 : (c < N8 ? kk < rows8 : 0);
      if (!covered) gemm_tile_1x4(A + kk * M, B + c, C + kk * N + c, M, N);
    }
    for (int c = N4; c < N; c++) {
      f32 s = C[kk * N + c];
      for (int m = 0; m < M; m++) s += A[kk * M + m] * B[m * N + c];
      C[kk * N + c] = s;
    }
  }
}

/*
 * out = x ∘ b with b broadcast along the rows of x (x as [R × C], b as [C]): bias adds and the
 * per-channel scale and shift of batch norm. XNNPACK's broadcasting walks such a product in
 * C-element pieces (1.6 ms for 128×26×26×8 + [8]); here it is one pass. op: 0 add, 1 sub, 2 mul,
 * 3 div; reversed computes b ∘ x instead.
 */
static inline v128_t apply(int op, v128_t a, v128_t b) {
  switch (op) {
    case 0: return wasm_f32x4_add(a, b);
    case 1: return wasm_f32x4_sub(a, b);
    case 2: return wasm_f32x4_mul(a, b);
    default: return wasm_f32x4_div(a, b);
  }
}
static inline f32 apply1(int op, f32 a, f32 b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    default: return a / b;
  }
}

EXPORT(binary_rows)
void binary_rows(const f32 *x, const f32 *b, f32 *out, int R, int C, int op, int reversed) {
  for (int r = 0; r < R; r++) {
    const f32 *xr = x + r * C;
    f32 *o = out + r * C;
    int c = 0;
    if (reversed) {
      for (; c + 4 <= C; c += 4) wasm_v128_store(o + c, apply(op, wasm_v128_load(b + c), wasm_v128_load(xr + c)));
      for (; c < C; c++) o[c] = apply1(op, b[c], xr[c]);
    } else {
      for (; c + 4 <= C; c += 4) wasm_v128_store(o + c, apply(op, wasm_v128_load(xr + c), wasm_v128_load(b + c)));
      for (; c < C; c++) o[c] = apply1(op, xr[c], b[c]);
    }
  }
}
