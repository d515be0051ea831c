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
 * The gradient through a fused ReLU, from the layer's output: out = dy where y > 0, else 0 (y > 0 exactly
 * where the pre-activation was, which is what tfjs' Step-based ReLU gradient tests).
 */
EXPORT(relu_grad)
void relu_grad(const f32 *dy, const f32 *y, f32 *out, int n) {
  const v128_t z = wasm_f32x4_splat(0.f);
  int i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(out + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(wasm_v128_load(y + i), z)));
  for (; i < n; i++) out[i] = y[i] > 0.f ? dy[i] : 0.f;
}

/*
 * Column sums of dy where y > 0: the bias gradient of a layer with a fused ReLU, without materialising
 * the masked gradient. Same blocking (and so the same rounding) as sum_rows.
 */
EXPORT(sum_rows_relu)
void sum_rows_relu(const f32 *dy, const f32 *y, f32 *out, int R, int C) {
  const v128_t z = wasm_f32x4_splat(0.f);
  zero(out, C);
  for (int r0 = 0; r0 < R; r0 += SUM_BLOCK) {
    const int r1 = imin(R, r0 + SUM_BLOCK);
    int c = 0;
    for (; c + 8 <= C; c += 8) {
      v128_t a0 = z, a1 = z;
      const f32 *p = dy + r0 * C + c, *q = y + r0 * C + c;
      for (int r = r0; r < r1; r++, p += C, q += C) {
        a0 = wasm_f32x4_add(a0, wasm_v128_and(wasm_v128_load(p), wasm_f32x4_gt(wasm_v128_load(q), z)));
        a1 = wasm_f32x4_add(a1, wasm_v128_and(wasm_v128_load(p + 4), wasm_f32x4_gt(wasm_v128_load(q + 4), z)));
      }
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), a0));
      wasm_v128_store(out + c + 4, wasm_f32x4_add(wasm_v128_load(out + c + 4), a1));
    }
    for (; c + 4 <= C; c += 4) {
      v128_t a0 = z;
      const f32 *p = dy + r0 * C + c, *q = y + r0 * C + c;
      for (int r = r0; r < r1; r++, p += C, q += C)
        a0 = wasm_f32x4_add(a0, wasm_v128_and(wasm_v128_load(p), wasm_f32x4_gt(wasm_v128_load(q), z)));
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), a0));
    }
    for (; c < C; c++) {
      f32 a = 0.f;
      const f32 *p = dy + r0 * C + c, *q = y + r0 * C + c;
      for (int r = r0; r < r1; r++, p += C, q += C) a += *q > 0.f ? *p : 0.f;
      out[c] += a;
    }
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
 * C[R×N] (+)= A·B, B row-major [K×N], A read through strides: A(r, k) = A[r·ars + k·aks], so one
 * kernel serves A (ars = K, aks = 1) and a transposed A stored [K×R] (ars = 1, aks = R) without a
 * transpose pass. It is the product behind dense layers and the convolution gradients.
 * Why not XNNPACK: it repacks B (as "weights") on every call whose B it has not cached, and in training
 * B is always new (updated weights, activation gradients); for the filter gradient B is an activation
 * and the repacking costs more than the product. The 4×8 register tile (8 accumulators, 2 B vectors,
 * 1 splatted A) fits the 16 SIMD registers V8 uses on x64 and runs at ~40 GFLOP/s on one core, where
 * wider tiles spill (~30) — XNNPACK's own kernel reaches ~30 with cached weights.
 */
#ifdef EPOCHLAB_RELAXED_SIMD
/* The relaxed-SIMD build: one fused multiply-add where the CPU has one (rounded once, not twice). */
#define MADD(c, a, b) c = (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(c))
#else
#define MADD(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#endif

static inline void tile_4x8(const f32 *a, const f32 *b, f32 *c, int K, int N, int ars, int aks, int acc) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (acc) {
    c00 = wasm_v128_load(c); c01 = wasm_v128_load(c + 4);
    c10 = wasm_v128_load(c + N); c11 = wasm_v128_load(c + N + 4);
    c20 = wasm_v128_load(c + 2 * N); c21 = wasm_v128_load(c + 2 * N + 4);
    c30 = wasm_v128_load(c + 3 * N); c31 = wasm_v128_load(c + 3 * N + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.f);
  }
  for (int k = 0; k < K; k++, b += N, a += aks) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t x;
    x = wasm_v128_load32_splat(a);           MADD(c00, x, b0); MADD(c01, x, b1);
    x = wasm_v128_load32_splat(a + ars);     MADD(c10, x, b0); MADD(c11, x, b1);
    x = wasm_v128_load32_splat(a + 2 * ars); MADD(c20, x, b0); MADD(c21, x, b1);
    x = wasm_v128_load32_splat(a + 3 * ars); MADD(c30, x, b0); MADD(c31, x, b1);
  }
  wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + N, c10); wasm_v128_store(c + N + 4, c11);
  wasm_v128_store(c + 2 * N, c20); wasm_v128_store(c + 2 * N + 4, c21);
  wasm_v128_store(c + 3 * N, c30); wasm_v128_store(c + 3 * N + 4, c31);
}

/* Edges: one row against 8 columns, and up to 4 rows against 4 columns. */
static inline void tile_1x8(const f32 *a, const f32 *b, f32 *c, int K, int N, int aks, int acc) {
  v128_t c0 = acc ? wasm_v128_load(c) : wasm_f32x4_splat(0.f), c1 = acc ? wasm_v128_load(c + 4) : wasm_f32x4_splat(0.f);
  for (int k = 0; k < K; k++, b += N, a += aks) {
    const v128_t x = wasm_v128_load32_splat(a);
    MADD(c0, x, wasm_v128_load(b));
    MADD(c1, x, wasm_v128_load(b + 4));
  }
  wasm_v128_store(c, c0);
  wasm_v128_store(c + 4, c1);
}

static inline void tile_1x4(const f32 *a, const f32 *b, f32 *c, int K, int N, int aks, int acc) {
  v128_t c0 = acc ? wasm_v128_load(c) : wasm_f32x4_splat(0.f);
  for (int k = 0; k < K; k++, b += N, a += aks) MADD(c0, wasm_v128_load32_splat(a), wasm_v128_load(b));
  wasm_v128_store(c, c0);
}

EXPORT(gemm)
void gemm(const f32 *A, const f32 *B, f32 *C, int R, int K, int N, int ars, int aks, int acc) {
  const int R4 = R - R % 4, N8 = N - N % 8, N4 = N - N % 4;
  for (int n = 0; n < N8; n += 8) {
    int r = 0;
    for (; r < R4; r += 4) tile_4x8(A + r * ars, B + n, C + r * N + n, K, N, ars, aks, acc);
    for (; r < R; r++) tile_1x8(A + r * ars, B + n, C + r * N + n, K, N, aks, acc);
  }
  if (N4 > N8) {
    for (int r = 0; r < R; r++) tile_1x4(A + r * ars, B + N8, C + r * N + N8, K, N, aks, acc);
  }
  for (int n = N4; n < N; n++) {
    for (int r = 0; r < R; r++) {
      const f32 *a = A + r * ars;
      f32 s = acc ? C[r * N + n] : 0.f;
      for (int k = 0; k < K; k++) s += a[k * aks] * B[k * N + n];
      C[r * N + n] = s;
    }
  }
}

/*
 * Direct convolution, NHWC, filter [KH, KW, C, CO], with bias and activation applied on the way out
 * (act: 0 linear, 1 relu; bias may be null). It is the forward pass of a convolution layer and, with the
 * filter flipped and 'full' padding, the input gradient of a stride-1 one. Output pixels are taken four
 * along a row at a time against eight output channels (the gemm's 4×8 register tile, with the implicit
 * im2col row as A), for every filter tap whose four input pixels are all inside the image; pixels near
 * a border go one at a time over their own valid taps. XNNPACK's convolution builds an operator and an
 * indirection buffer for every new filter, which in training is every step.
 */
static inline v128_t act4(v128_t v, int act) { return act == 1 ? wasm_f32x4_max(v, wasm_f32x4_splat(0.f)) : v; }

/* One output pixel, channels [co, co + 8): sum over the taps that land inside the image. */
static inline void conv_px8(const f32 *x, const f32 *w, f32 *o, const f32 *bias, int n, int H, int W, int C,
                            int KW, int CO, int ih0, int kh0, int kh1, int dH, int iw0, int kw0, int kw1, int dW,
                            int co, int act) {
  v128_t a0 = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0.f);
  v128_t a1 = bias ? wasm_v128_load(bias + co + 4) : wasm_f32x4_splat(0.f);
  for (int kh = kh0; kh < kh1; kh++) {
    const f32 *xr = x + ((n * H + ih0 + kh * dH) * W) * C;
    for (int kw = kw0; kw < kw1; kw++) {
      const f32 *xp = xr + (iw0 + kw * dW) * C;
      const f32 *wp = w + ((kh * KW + kw) * C) * CO + co;
      for (int c = 0; c < C; c++, wp += CO) {
        const v128_t v = wasm_v128_load32_splat(xp + c);
        MADD(a0, v, wasm_v128_load(wp));
        MADD(a1, v, wasm_v128_load(wp + 4));
      }
    }
  }
  wasm_v128_store(o + co, act4(a0, act));
  wasm_v128_store(o + co + 4, act4(a1, act));
}

/* The same for one output channel (the remainder of CO modulo 8), scalar. */
static inline f32 conv_px1(const f32 *x, const f32 *w, const f32 *bias, int n, int H, int W, int C, int KW,
                           int CO, int ih0, int kh0, int kh1, int dH, int iw0, int kw0, int kw1, int dW, int co,
                           int act) {
  f32 s = bias ? bias[co] : 0.f;
  for (int kh = kh0; kh < kh1; kh++) {
    for (int kw = kw0; kw < kw1; kw++) {
      const f32 *xp = x + ((n * H + ih0 + kh * dH) * W + iw0 + kw * dW) * C;
      const f32 *wp = w + ((kh * KW + kw) * C) * CO + co;
      for (int c = 0; c < C; c++) s += xp[c] * wp[c * CO];
    }
  }
  return act == 1 && !(s > 0.f) ? 0.f : s;
}

/* Valid taps [k0, k1) for an output position whose first tap reads input i0 = o*stride − pad. */
static inline int tap_lo(int i0, int d) { return i0 >= 0 ? 0 : (-i0 + d - 1) / d; }
static inline int tap_hi(int i0, int d, int size, int K) {
  if (i0 >= size) return 0;
  return imin(K, (size - i0 + d - 1) / d);
}

EXPORT(conv2d)
void conv2d(const f32 *x, const f32 *w, const f32 *bias, f32 *out, int N, int H, int W, int C, int KH, int KW,
            int sH, int sW, int dH, int dW, int pT, int pL, int OH, int OW, int CO, int act) {
  const int CO8 = CO - CO % 8;
  /* Output columns whose taps all land inside the image: [owLo, owHi). */
  int owLo = (pL + sW - 1) / sW;
  int owHi = OW;
  while (owHi > owLo && (owHi - 1) * sW - pL + (KW - 1) * dW >= W) owHi--;
  if (owLo > owHi) owLo = owHi;
  for (int n = 0; n < N; n++) {
    for (int oh = 0; oh < OH; oh++) {
      const int ih0 = oh * sH - pT;
      const int kh0 = tap_lo(ih0, dH), kh1 = tap_hi(ih0, dH, H, KH);
      f32 *orow = out + ((n * OH + oh) * OW) * CO;
      for (int ow = 0; ow < OW;) {
        const int iw0 = ow * sW - pL;
        if (ow >= owLo && ow + 4 <= owHi) {
          /* Four interior pixels against eight channels at a time. */
          for (int co = 0; co < CO8; co += 8) {
            v128_t c00, c01, c10, c11, c20, c21, c30, c31;
            c00 = c10 = c20 = c30 = bias ? wasm_v128_load(bias + co) : wasm_f32x4_splat(0.f);
            c01 = c11 = c21 = c31 = bias ? wasm_v128_load(bias + co + 4) : wasm_f32x4_splat(0.f);
            const int px = sW * C;
            for (int kh = kh0; kh < kh1; kh++) {
              const f32 *xr = x + ((n * H + ih0 + kh * dH) * W + iw0) * C;
              for (int kw = 0; kw < KW; kw++) {
                const f32 *xp = xr + kw * dW * C;
                const f32 *wp = w + ((kh * KW + kw) * C) * CO + co;
                for (int c = 0; c < C; c++, wp += CO) {
                  const v128_t b0 = wasm_v128_load(wp), b1 = wasm_v128_load(wp + 4);
                  v128_t v;
                  v = wasm_v128_load32_splat(xp + c);          MADD(c00, v, b0); MADD(c01, v, b1);
                  v = wasm_v128_load32_splat(xp + px + c);     MADD(c10, v, b0); MADD(c11, v, b1);
                  v = wasm_v128_load32_splat(xp + 2 * px + c); MADD(c20, v, b0); MADD(c21, v, b1);
                  v = wasm_v128_load32_splat(xp + 3 * px + c); MADD(c30, v, b0); MADD(c31, v, b1);
                }
              }
            }
            f32 *o = orow + ow * CO + co;
            wasm_v128_store(o, act4(c00, act)); wasm_v128_store(o + 4, act4(c01, act));
            wasm_v128_store(o + CO, act4(c10, act)); wasm_v128_store(o + CO + 4, act4(c11, act));
            wasm_v128_store(o + 2 * CO, act4(c20, act)); wasm_v128_store(o + 2 * CO + 4, act4(c21, act));
            wasm_v128_store(o + 3 * CO, act4(c30, act)); wasm_v128_store(o + 3 * CO + 4, act4(c31, act));
          }
          for (int p = 0; p < 4; p++) {
            for (int co = CO8; co < CO; co++) {
              orow[(ow + p) * CO + co] = conv_px1(x, w, bias, n, H, W, C, KW, CO, ih0, kh0, kh1, dH, iw0 + p * sW, 0, KW, dW, co, act);
            }
          }
          ow += 4;
        } else {
          const int kw0 = tap_lo(iw0, dW), kw1 = tap_hi(iw0, dW, W, KW);
          f32 *o = orow + ow * CO;
          for (int co = 0; co < CO8; co += 8) conv_px8(x, w, o, bias, n, H, W, C, KW, CO, ih0, kh0, kh1, dH, iw0, kw0, kw1, dW, co, act);
          for (int co = CO8; co < CO; co++) o[co] = conv_px1(x, w, bias, n, H, W, C, KW, CO, ih0, kh0, kh1, dH, iw0, kw0, kw1, dW, co, act);
          ow++;
        }
      }
    }
  }
}

/*
 * Bias and activation after a product, in place: C[r][n] = act(C[r][n] + bias[n]). bias may be null
 * (0). act: 0 linear, 1 relu, 2 relu6 — the ones a fused matmul can ask for that are one instruction.
 */
EXPORT(bias_act)
void bias_act(f32 *C, const f32 *bias, int R, int N, int act) {
  const v128_t zero4 = wasm_f32x4_splat(0.f), six = wasm_f32x4_splat(6.f);
  const int N4 = N - N % 4;
  for (int r = 0; r < R; r++) {
    f32 *c = C + r * N;
    for (int n = 0; n < N4; n += 4) {
      v128_t v = wasm_v128_load(c + n);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + n));
      if (act >= 1) v = wasm_f32x4_max(v, zero4);
      if (act == 2) v = wasm_f32x4_min(v, six);
      wasm_v128_store(c + n, v);
    }
    for (int n = N4; n < N; n++) {
      f32 v = c[n] + (bias ? bias[n] : 0.f);
      if (act >= 1) v = v > 0.f ? v : 0.f;
      if (act == 2) v = v < 6.f ? v : 6.f;
      c[n] = v;
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

/*
 * One Adam update of a weight tensor, fused: tfjs' AdamOptimizer spends 13 kernels and as many passes
 * over memory per weight (0.75 ms a step for the 100k weights of the reference MLP). Same arithmetic,
 * same order, in float32: m' = β1·m + a1·g, v' = β2·v + a2·g², and
 * w' = w − lr · (m'/c1) / (√(v'/c2) + ε) with a1 = 1 − β1, a2 = 1 − β2, c1 = 1 − β1^t, c2 = 1 − β2^t
 * (passed in, rounded as tfjs rounds them). New buffers out (tfjs tensors are immutable, and a clone may
 * share the old ones).
 */
EXPORT(adam_step)
void adam_step(const f32 *w, const f32 *g, const f32 *m, const f32 *v, f32 *w2, f32 *m2, f32 *v2, int n, f32 lr,
               f32 b1, f32 b2, f32 a1, f32 a2, f32 eps, f32 c1, f32 c2) {
  const v128_t vb1 = wasm_f32x4_splat(b1), vb2 = wasm_f32x4_splat(b2);
  const v128_t va1 = wasm_f32x4_splat(a1), va2 = wasm_f32x4_splat(a2);
  const v128_t vc1 = wasm_f32x4_splat(c1), vc2 = wasm_f32x4_splat(c2), veps = wasm_f32x4_splat(eps), vlr = wasm_f32x4_splat(-lr);
  const int n4 = n - n % 4;
  for (int i = 0; i < n4; i += 4) {
    const v128_t gi = wasm_v128_load(g + i);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, va1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), va2));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_div(mi, vc1), wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vi, vc2)), veps));
    wasm_v128_store(m2 + i, mi);
    wasm_v128_store(v2 + i, vi);
    wasm_v128_store(w2 + i, wasm_f32x4_add(wasm_f32x4_mul(step, vlr), wasm_v128_load(w + i)));
  }
  for (int i = n4; i < n; i++) {
    const f32 mi = m[i] * b1 + g[i] * a1;
    const f32 vi = v[i] * b2 + (g[i] * g[i]) * a2;
    m2[i] = mi;
    v2[i] = vi;
    w2[i] = (mi / c1) / (__builtin_sqrtf(vi / c2) + eps) * -lr + w[i];
  }
}
