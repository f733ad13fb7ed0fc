/* Softmax / log-softmax rows with a polynomial exp, written once over a GCC vector type of
 * SMX_VW float lanes and instantiated per ISA: softmax.c (4 lanes, baseline SSE/NEON) and
 * softmax_avx2.c (8 lanes, AVX2+FMA). Define SMX_VW and SMX_FN before including.
 *
 * exp: Cephes-style range reduction x = n*ln2 + r (ln2 split in two constants), degree-6
 * polynomial on |r| <= ln2/2 (about 1 ulp), 2^n built in the exponent bits in two halves so
 * n = 128 stays finite. Below ln(FLT_MIN) the result is 0, above ln(FLT_MAX) it is +inf. */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if !defined(SMX_VW) || !defined(SMX_FN)
#error "define SMX_VW and SMX_FN"
#endif

typedef float smx_vf __attribute__((vector_size(SMX_VW * 4)));
typedef int32_t smx_vi __attribute__((vector_size(SMX_VW * 4)));

static inline smx_vf smx_splat(float v)
{
    smx_vf r;
    for (int i = 0; i < SMX_VW; i++)
        r[i] = v;
    return r;
}

static inline smx_vf smx_load(const float *p)
{
    smx_vf r;
    memcpy(&r, p, sizeof r);
    return r;
}

static inline void smx_store(float *p, smx_vf v)
{
    memcpy(p, &v, sizeof v);
}

/* m ? a : b, lane-wise (m lanes are all-ones or zero). */
static inline smx_vf smx_select(smx_vi m, smx_vf a, smx_vf b)
{
    return (smx_vf)(((smx_vi)a & m) | ((smx_vi)b & ~m));
}

static inline smx_vf smx_exp(smx_vf x)
{
    const smx_vf lo = smx_splat(-87.33654475f), hi = smx_splat(88.72283935f);
    smx_vi under = x<lo, over = x> hi;
    smx_vf xc = smx_select(under, lo, smx_select(over, hi, x));
    /* round(x / ln2) to nearest with the 1.5 * 2^23 trick (|x/ln2| < 2^22) */
    const smx_vf magic = smx_splat(12582912.f);
    smx_vf fn = (xc * smx_splat(1.44269504088896341f) + magic) - magic;
    smx_vf r = xc - fn * smx_splat(0.693359375f);
    r = r - fn * smx_splat(-2.12194440e-4f);
    smx_vf p = smx_splat(1.9875691500e-4f);
    p = p * r + smx_splat(1.3981999507e-3f);
    p = p * r + smx_splat(8.3334519073e-3f);
    p = p * r + smx_splat(4.1665795894e-2f);
    p = p * r + smx_splat(1.6666665459e-1f);
    p = p * r + smx_splat(5.0000001201e-1f);
    p = p * (r * r) + r + smx_splat(1.f);
    smx_vi n = __builtin_convertvector(fn, smx_vi);
    smx_vi h = n >> 1; /* 2^n = 2^h * 2^(n-h), both halves normal for n in [-126, 128] */
    smx_vf s1 = (smx_vf)((h + 127) << 23), s2 = (smx_vf)((n - h + 127) << 23);
    smx_vf y = p * s1 * s2;
    y = smx_select(under, smx_splat(0.f), y);
    y = smx_select(over, smx_splat(INFINITY), y);
    return y;
}

static inline float smx_hsum(smx_vf v)
{
    float s = 0.f;
    for (int i = 0; i < SMX_VW; i++)
        s += v[i];
    return s;
}

/* One row of n values; out may alias nothing. log_softmax ignores beta. */
static void SMX_FN(const float *restrict x, float *restrict y, int64_t n, float beta, bool logsm)
{
    /* max as std::max from the lowest float: NaNs are skipped */
    float mx = -FLT_MAX;
    int64_t i = 0;
    if (n >= SMX_VW) {
        smx_vf vm = smx_splat(-FLT_MAX);
        for (; i + SMX_VW <= n; i += SMX_VW) {
            smx_vf v = smx_load(x + i);
            vm = smx_select(vm < v, v, vm);
        }
        for (int k = 0; k < SMX_VW; k++)
            mx = mx < vm[k] ? vm[k] : mx;
    }
    for (; i < n; i++)
        mx = mx < x[i] ? x[i] : mx;

    const smx_vf vmx = smx_splat(mx), vb = smx_splat(logsm ? 1.f : beta);
    smx_vf vs = smx_splat(0.f);
    float sum = 0.f;
    for (i = 0; i + SMX_VW <= n; i += SMX_VW) {
        smx_vf e = smx_exp((smx_load(x + i) - vmx) * vb);
        vs += e;
        if (!logsm) smx_store(y + i, e);
    }
    if (i < n) { /* tail through one padded vector: same exp for every element */
        float tmp[SMX_VW];
        for (int k = 0; k < SMX_VW; k++)
            tmp[k] = i + k < n ? x[i + k] : mx;
        smx_vf e = smx_exp((smx_load(tmp) - vmx) * vb);
        for (int k = 0; i + k < n; k++) {
            sum += e[k];
            if (!logsm) y[i + k] = e[k];
        }
    }
    sum += smx_hsum(vs);

    if (logsm) { /* (x - max) - log(sum), in TFLite's order */
        const float ls = logf(sum);
        const smx_vf vls = smx_splat(ls);
        for (i = 0; i + SMX_VW <= n; i += SMX_VW)
            smx_store(y + i, (smx_load(x + i) - vmx) - vls);
        for (; i < n; i++)
            y[i] = (x[i] - mx) - ls;
        return;
    }
    const smx_vf vsum = smx_splat(sum);
    for (i = 0; i + SMX_VW <= n; i += SMX_VW)
        smx_store(y + i, smx_load(y + i) / vsum);
    for (; i < n; i++)
        y[i] = y[i] / sum;
}
