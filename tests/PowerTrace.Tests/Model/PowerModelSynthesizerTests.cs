using System;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Model;
using PowerTrace.Core.Numerics;
using Xunit;

namespace PowerTrace.Tests.Model;

/// <summary>
/// The synthesizer's fast state sampling (guide table) picks exactly the states of the plain cumulative-row search,
/// so its output is bit-identical to the straightforward sampler, whole-horizon and block by block.
/// </summary>
public class PowerModelSynthesizerTests
{
    // The plain sampler: one 64-bit draw per bin, top 24 bits searched in the cumulative row, low 24 bits the Gaussian.
    private static float[] Reference(PowerModel model, byte[] ctx, Rng rng)
    {
        var c = model.Chain;
        int k = c.K, cc = c.C;
        var w = new float[ctx.Length];
        int s = 0; float z = 0;
        for (int i = 0; i < ctx.Length; i++)
        {
            ulong r = rng.NextUInt64();
            float u = (r >> 40) * (1f / 16777216f);
            int row = i == 0 ? ctx[0] * k : (s * cc + ctx[i]) * k;
            float[] cum = i == 0 ? c.InitCum : c.Cum;
            s = 0;
            while (u >= cum[row + s]) s++;
            float n = StandardNormalTable.FromBits(r);
            if (i == 0) z = n;
            else z = c.Phi[s] * z + c.Innov[s] * n;
            float v = c.Mu[s] + c.Sd[s] * z;
            w[i] = v < c.Min[s] ? c.Min[s] : v > c.Max[s] ? c.Max[s] : v;
        }
        return w;
    }

    // Contexts in runs (as real workloads have), every id of the scheme represented.
    private static byte[] Contexts(int n, int count, ulong seed)
    {
        var rng = Rng.ForStream(seed, 0);
        var ctx = new byte[n];
        int i = 0;
        while (i < n)
        {
            byte id = (byte)(rng.NextUInt64() % (ulong)count);
            int len = 1 + (int)(rng.NextUInt64() % 40);
            for (int j = 0; j < len && i < n; j++) ctx[i++] = id;
        }
        return ctx;
    }

    [Fact]
    public void SampleContexts_is_bit_identical_to_the_plain_row_search()
    {
        foreach (string name in new[] { ReferenceModels.Names[0], ReferenceModels.Names[ReferenceModels.Names.Count - 1] })
        {
            var model = ReferenceModels.Get(name);
            var ctx = Contexts(200_000, model.Chain.C, 5);
            for (ulong seed = 1; seed <= 3; seed++)
            {
                var expected = Reference(model, ctx, Rng.ForStream(seed, 7));
                var got = new float[ctx.Length];
                var r = Rng.ForStream(seed, 7);
                model.CreateModelSynthesizer().SampleContexts(ctx, ref r, got);
                for (int i = 0; i < ctx.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(got[i]), $"{name} seed {seed} bin {i}: {expected[i]} vs {got[i]}");
            }
        }
    }

    [Fact]
    public void Anchor_sampling_is_bit_identical_to_the_plain_row_search()
    {
        var model = ReferenceModels.Anchor;
        var ctx = Contexts(300_000, model.Chain.C, 11);
        var expected = Reference(model, ctx, Rng.ForStream(42, 3));
        var got = new float[ctx.Length];
        var r = Rng.ForStream(42, 3);
        model.CreateModelSynthesizer().SampleContexts(ctx, ref r, got);
        Assert.Equal(expected, got);
    }
}
