using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace PowerTrace.Core.Synthesis.Aggregate
{
    /// <summary>
    /// Aggregate synthesis: many servers at coarse bins in O(bins), by the central limit theorem.
    /// </summary>
    /// <remarks>
    /// <para><b>Why it holds.</b> With a rate-driven workload and random routing, each server's arrivals are an independent
    /// Poisson stream at the per-server rate λ(t) = site rate / N, so the GPU power of n servers summed over a bin of width
    /// w is, to within the central limit, n·E[P | λ, w] plus Gaussian noise of variance n·Var[P | λ, w]; consecutive bins
    /// are correlated as one server's are.</para>
    /// <para><b>Learning.</b> For a grid of per-server rates λ_j = 2^(j/4) / 4096 req/s (and 0), the needed points are
    /// learned by exact synthesis through the public <see cref="IServerPowerModel"/> interface: <see cref="CalibrationServers"/>
    /// servers, each a Poisson stream at λ_j with the run's token lengths, a 300 s warm-up, then about
    /// <see cref="CalibrationModelBins"/> / <see cref="CalibrationServers"/> model bins (whole bins of w). E is the mean
    /// power corrected by the realized request count (a control variate: E − β·(mean count − λ·T)); Var the variance of the
    /// bin means around E; the lag-1 correlation that of consecutive bin means. Points are cached per model, token-length
    /// distribution, resolution and grid index for the life of the process (fixed calibration seeds, so any run reuses them).</para>
    /// <para><b>Composition.</b> Traces are composed at the finest requested group level (Rack, Row, else Site) and the finest
    /// requested resolution w (the greatest common divisor of the levels' bins); coarser levels sum groups and bins, so
    /// levels add up exactly as in the exact path. Per group of n servers and fine bin t: λ_t is the workload's mean
    /// per-server rate over the bin (sampled at most every 60 s), E, Var and ρ are interpolated linearly in λ between grid
    /// points, and node power = n·E + √(n·Var)·z_t with z an AR(1) of unit variance (z_t = ρ_t z_{t−1} + √(1−ρ_t²) ε_t,
    /// ε from <c>Rng.ForStream(run seed, group)</c>). Non-GPU power and PUE follow exactly as in the exact path:
    /// server = base + (1 + share)·node, in mean and standard deviation; facility = site × PUE on the same integer
    /// milliwatt sums.</para>
    /// <para><b>Limits.</b> Gaussian tails: a trace of few servers (a rack) is not Gaussian, which is why Auto asks for
    /// many servers. Beyond lag 1 the noise decays geometrically, so coarser levels built from fine bins inherit that
    /// shape. Token lengths and the serving profile act only through the calibration.</para>
    /// </remarks>
    public static class AggregateSynthesis
    {
        /// <summary>Servers synthesized exactly per calibration rate.</summary>
        public const int CalibrationServers = 32;

        /// <summary>Model bins synthesized per calibration rate, all servers together (after warm-up).</summary>
        public const long CalibrationModelBins = 8_000_000;

        private const double CalibrationWarmUpSeconds = 300;
        private const ulong CalibrationSeed = 0x5CA1AB1E_2026UL;
        private const double GridBase = 1.0 / 4096;
        private const int StepsPerOctave = 4;

        private sealed class ModelCache
        {
            public readonly ConditionalWeakTable<TokenLengthDistribution, ConcurrentDictionary<long, AggregateStatistics>> ByTokens =
                new ConditionalWeakTable<TokenLengthDistribution, ConcurrentDictionary<long, AggregateStatistics>>();
        }

        private static readonly ConditionalWeakTable<IServerPowerModel, ModelCache> Cache = new ConditionalWeakTable<IServerPowerModel, ModelCache>();

        /// <summary>Per-server rate of grid point <paramref name="index"/>, requests per second (index −1 is 0).</summary>
        public static double GridRate(int index) => index < 0 ? 0 : GridBase * Math.Pow(2, index / (double)StepsPerOctave);

        /// <summary>
        /// The statistics of one server at a grid rate and a resolution, learned (or taken from the cache).
        /// Deterministic: the same model, tokens, resolution and index give the same figures on any thread count.
        /// </summary>
        /// <param name="model">The power model.</param>
        /// <param name="tokens">Token lengths of the requests.</param>
        /// <param name="resolutionSeconds">Bin width, a whole multiple of the model's bin.</param>
        /// <param name="gridIndex">−1 for no traffic, else λ = 2^(index/4) / 4096 req/s.</param>
        /// <param name="maxThreads">Worker threads (0: one per processor).</param>
        /// <param name="cancellationToken">Stops the calibration.</param>
        public static AggregateStatistics Calibrate(IServerPowerModel model, TokenLengthDistribution tokens, double resolutionSeconds, int gridIndex,
            int maxThreads = 0, CancellationToken cancellationToken = default)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            if (tokens == null) throw new ArgumentNullException(nameof(tokens));
            SynthesisSettings.ValidateModel(model);
            int k = (int)Math.Round(resolutionSeconds / model.BinSeconds);
            if (k < 1 || Math.Abs(k * model.BinSeconds - resolutionSeconds) > 1e-9 * resolutionSeconds)
                throw new Errors.InvalidSettingException("ResolutionNotMultipleOfModelBin", "Resolution", $"The resolution {resolutionSeconds} s is not a whole multiple of the model's {model.BinSeconds} s bin.");
            if (gridIndex < -1 || gridIndex > 200) throw new ArgumentOutOfRangeException(nameof(gridIndex));
            var byTokens = Cache.GetOrCreateValue(model).ByTokens.GetValue(tokens, _ => new ConcurrentDictionary<long, AggregateStatistics>());
            long key = ((long)k << 16) | (uint)(gridIndex + 1);
            if (byTokens.TryGetValue(key, out var hit)) return hit;
            var stats = Learn(model, tokens, k, gridIndex, maxThreads, cancellationToken);
            return byTokens.GetOrAdd(key, stats);
        }

        private static AggregateStatistics Learn(IServerPowerModel model, TokenLengthDistribution tokens, int k, int gridIndex, int maxThreads, CancellationToken ct)
        {
            double b = model.BinSeconds;
            double lambda = GridRate(gridIndex);
            int m = CalibrationServers;
            long perServer = Math.Max(16L * k, CalibrationModelBins / m / k * k);
            int J = (int)(perServer / k), nBins = J * k;
            int nWarm = (int)Math.Round(CalibrationWarmUpSeconds / b);
            double warm = nWarm * b, seconds = nBins * b;
            var rate = new ConstantRate(lambda);
            var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            // Per server: mean power, request count, Σx, Σx², Σx_j·x_{j+1}, Σx_0..J-2, Σx_1..J-1 of the bin means.
            var mean = new double[m]; var count = new double[m];
            var sx = new double[m]; var sxx = new double[m]; var sxy = new double[m]; var sFirst = new double[m]; var sLast = new double[m];
            int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
            int next = -1;
            ulong seed = CalibrationSeed ^ ((ulong)(gridIndex + 2) * 0x9E3779B97F4A7C15UL) ^ ((ulong)k << 40);
            var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(threads, m)), CancellationToken = ct };
            Parallel.For(0, options.MaxDegreeOfParallelism, options, _ =>
            {
                var synth = model.CreateSynthesizer();
                var block = synth as IBlockServerSynthesizer;
                var buf = new RequestBuffer();
                float[] watts = new float[block != null ? Math.Min(nWarm + nBins, 1 << 16) : nWarm + nBins];
                for (int s = Interlocked.Increment(ref next); s < m; s = Interlocked.Increment(ref next))
                {
                    ct.ThrowIfCancellationRequested();
                    buf.Clear();
                    var arr = Rng.ForStream(seed, (ulong)(2 * s));
                    if (lambda > 0) rate.Generate(start, -warm, seconds, 1.0, tokens, ref arr, buf);
                    int c = 0;
                    for (int i = 0; i < buf.Count; i++) if (buf.Arrivals[i] >= warm) c++;
                    var rng = Rng.ForStream(seed, (ulong)(2 * s + 1));
                    double tot = 0, x2 = 0, xy = 0, first = 0, last = 0, prev = 0, acc = 0;
                    int inBin = 0, j = 0;
                    void Take(float[] w, int from, int len)
                    {
                        for (int i = from; i < from + len; i++)
                        {
                            float v = w[i];
                            if (float.IsNaN(v)) throw new Errors.PowerTraceException("ModelProducedNaN", "The power model produced NaN watts while learning aggregate statistics; the model is broken.");
                            acc += v < 0 ? 0 : v;
                            if (++inBin == k)
                            {
                                double x = acc / k;
                                tot += x; x2 += x * x;
                                if (j > 0) { xy += prev * x; last += x; }
                                if (j < J - 1) first += x;
                                prev = x; acc = 0; inBin = 0; j++;
                            }
                        }
                    }
                    if (block != null)
                    {
                        block.Begin(buf.AsWorkload(), rng, nWarm + nBins);
                        for (int w0 = 0; w0 < nWarm; w0 += watts.Length) block.Next(new Span<float>(watts, 0, Math.Min(watts.Length, nWarm - w0)));
                        for (int b0 = 0; b0 < nBins; b0 += watts.Length)
                        {
                            int len = Math.Min(watts.Length, nBins - b0);
                            block.Next(new Span<float>(watts, 0, len));
                            Take(watts, 0, len);
                        }
                    }
                    else
                    {
                        synth.Synthesize(buf.AsWorkload(), ref rng, new Span<float>(watts, 0, nWarm + nBins));
                        Take(watts, nWarm, nBins);
                    }
                    mean[s] = tot / J; count[s] = c; sx[s] = tot; sxx[s] = x2; sxy[s] = xy; sFirst[s] = first; sLast[s] = last;
                }
            });

            // Control variate: the mean power against the realized request count, corrected to the expected count.
            double mBar = 0, cBar = 0;
            for (int s = 0; s < m; s++) { mBar += mean[s]; cBar += count[s]; }
            mBar /= m; cBar /= m;
            double scc = 0, smc = 0;
            for (int s = 0; s < m; s++) { scc += (count[s] - cBar) * (count[s] - cBar); smc += (mean[s] - mBar) * (count[s] - cBar); }
            double e = mBar;
            if (scc > 0) e = mBar - smc / scc * (cBar - lambda * seconds);
            double ss = 0, sc = 0;
            for (int s = 0; s < m; s++)
            {
                ss += sxx[s] - 2 * e * sx[s] + J * e * e;
                sc += sxy[s] - e * (sFirst[s] + sLast[s]) + (J - 1) * e * e;
            }
            double var = Math.Max(0, ss / ((double)m * J - 1));
            double rho = var > 0 && J > 1 ? sc / ((double)m * (J - 1)) / var : 0;
            if (double.IsNaN(rho)) rho = 0;
            rho = Math.Max(-0.99, Math.Min(0.99, rho));
            long reqs = 0;
            for (int s = 0; s < m; s++) reqs += (long)count[s];
            return new AggregateStatistics(lambda, k * b, e, var, rho, m, seconds, reqs);
        }

        /// <summary>Runs an aggregate synthesis of validated settings (called by <see cref="SynthesisEngine.Run"/>).</summary>
        internal static SynthesisResult Run(SynthesisSettings settings, Action<SynthesisProgress>? progress, CancellationToken ct)
        {
            var sw = Stopwatch.StartNew();
            IServerPowerModel model = settings.Model!;
            SiteLayout layout = settings.Layout;
            double b = model.BinSeconds;
            int nBins = (int)Math.Round(settings.HorizonSeconds / b);
            int servers = layout.ServerCount;
            DateTime start = SynthesisEngine.UtcStart(settings);
            var workload = settings.Workload!;
            ArrivalRate rate = workload.Rate!;
            TokenLengthDistribution tokens = workload.TokenLengths!;
            string? outFile = settings.OutFile != null ? Path.GetFullPath(settings.OutFile) : null;
            var plans = new List<SynthesisEngine.LevelPlan>();
            try
            {
                plans = SynthesisEngine.CreatePlans(settings, b, nBins, 0, servers, outFile);
                // Finest resolution and finest group level.
                int kf = 0;
                TraceLevel fine = TraceLevel.Site;
                foreach (var p in plans)
                {
                    kf = kf == 0 ? p.K : Gcd(kf, p.K);
                    if (p.Level == TraceLevel.Rack || (p.Level == TraceLevel.Row && fine != TraceLevel.Rack)) fine = p.Level;
                }
                int groupServers = fine == TraceLevel.Rack ? layout.ServersPerRack : fine == TraceLevel.Row ? layout.ServersPerRack * layout.RacksPerRow : servers;
                int groups = servers / groupServers;
                int nf = nBins / kf;
                double wf = kf * b;

                // Per-server rate of each fine bin (mean over the bin, sampled at most every 60 s).
                int sub = Math.Max(1, (int)Math.Ceiling(wf / 60.0 - 1e-9));
                var lam = new double[nf];
                double lo = double.MaxValue, hi = 0, expectedRequests = 0;
                for (int t = 0; t < nf; t++)
                {
                    double sum = 0;
                    for (int i = 0; i < sub; i++) sum += rate.RatePerSecondAt(start, t * wf + (i + 0.5) * wf / sub);
                    double l = sum / sub / servers;
                    lam[t] = l;
                    expectedRequests += l * servers * wf;
                    if (l < lo) lo = l;
                    if (l > hi) hi = l;
                }
                int iLo = LowerIndex(lo), iHi = LowerIndex(hi) + 1;
                var points = new AggregateStatistics[iHi - iLo + 1];
                for (int i = iLo; i <= iHi; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Invoke(new SynthesisProgress("Calibrating", i - iLo, points.Length));
                    points[i - iLo] = Calibrate(model, tokens, wf, i, settings.MaxDegreeOfParallelism, ct);
                }

                // Per-server mean and standard deviation of server power, and the lag-1 correlation, per fine bin.
                double baseW = settings.NonGpu.BaseWatts, scale = 1 + settings.NonGpu.GpuShare;
                var mu = new double[nf]; var sd = new double[nf]; var rho = new double[nf];
                for (int t = 0; t < nf; t++)
                {
                    double l = lam[t];
                    int i = Math.Max(iLo, Math.Min(iHi - 1, LowerIndex(l)));
                    var p0 = points[i - iLo]; var p1 = points[i + 1 - iLo];
                    double x0 = p0.RatePerServerPerSecond, x1 = p1.RatePerServerPerSecond;
                    double f = x1 > x0 ? Math.Max(0, Math.Min(1, (l - x0) / (x1 - x0))) : 0;
                    mu[t] = baseW + scale * (p0.MeanWatts + f * (p1.MeanWatts - p0.MeanWatts));
                    sd[t] = scale * Math.Sqrt(Math.Max(0, p0.VarianceWatts2 + f * (p1.VarianceWatts2 - p0.VarianceWatts2)));
                    rho[t] = p0.Lag1Correlation + f * (p1.Lag1Correlation - p0.Lag1Correlation);
                }

                // Compose each fine group; add its integer sums into every level.
                progress?.Invoke(new SynthesisProgress("Composing", 0, groups));
                ulong seed = SynthesisEngine.DeriveSeed(settings.Seed, 0xA66E);
                double n = groupServers, sqn = Math.Sqrt(n);
                long done = 0;
                int threads = settings.MaxDegreeOfParallelism > 0 ? settings.MaxDegreeOfParallelism : Environment.ProcessorCount;
                int nextGroup = -1;
                var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(threads, groups)), CancellationToken = ct };
                Parallel.For(0, options.MaxDegreeOfParallelism, options, _ =>
                {
                    var fineSums = new long[nf];
                    var acc = new long[plans.Count][];
                    for (int li = 0; li < plans.Count; li++) acc[li] = new long[plans[li].OutBins];
                    for (int g = Interlocked.Increment(ref nextGroup); g < groups; g = Interlocked.Increment(ref nextGroup))
                    {
                        ct.ThrowIfCancellationRequested();
                        var rng = Rng.ForStream(seed, (ulong)g);
                        double z = rng.NextGaussian();
                        double mwScale = 1000.0 * kf;
                        for (int t = 0; t < nf; t++)
                        {
                            if (t > 0) { double r = rho[t]; z = r * z + Math.Sqrt(1 - r * r) * rng.NextGaussian(); }
                            double watts = n * mu[t] + sqn * sd[t] * z;
                            if (watts < 0) watts = 0;
                            fineSums[t] = (long)Math.Round(watts * mwScale);
                        }
                        int server0 = g * groupServers;
                        for (int li = 0; li < plans.Count; li++)
                        {
                            var p = plans[li];
                            int r = p.K / kf;
                            long[] a = acc[li];
                            Array.Clear(a, 0, a.Length);
                            for (int t = 0; t < nf; t++) a[t / r] += fineSums[t];
                            p.Store.Add(GroupOf(p.Level, layout, server0) - p.FirstGroup, a);
                        }
                        long d = Interlocked.Increment(ref done);
                        progress?.Invoke(new SynthesisProgress("Composing", d, groups));
                    }
                });

                string detail = string.Format(CultureInfo.InvariantCulture,
                    "central-limit composition of {0} group(s) of {1} servers at {2:0.###} s from {3} calibration rates {4:0.#####}..{5:0.#####} req/s per server, {6} exact servers x {7:0.#} h each",
                    groups, groupServers, wf, points.Length, points[0].RatePerServerPerSecond, points[points.Length - 1].RatePerServerPerSecond,
                    CalibrationServers, points[0].CalibrationSecondsPerServer / 3600);
                SynthesisEngine.EmitOutputs(plans, settings, SynthesisMethod.Aggregate, b, start, progress, ct, out var series, out var files, detail);
                sw.Stop();
                return new SynthesisResult(series, files, servers, 0, servers, 0, 1, (long)Math.Round(expectedRequests), (long)servers * nBins,
                    sw.Elapsed.TotalSeconds, b);
            }
            finally
            {
                foreach (var p in plans) p.Store?.Dispose();
            }
        }

        // Grid index at or below rate λ (−1 for λ below the first positive point).
        private static int LowerIndex(double lambda)
        {
            if (!(lambda >= GridBase)) return -1;
            int i = (int)Math.Floor(StepsPerOctave * Math.Log(lambda / GridBase, 2) + 1e-9);
            while (i > 0 && GridRate(i) > lambda) i--;
            while (GridRate(i + 1) <= lambda) i++;
            return i;
        }

        private static int Gcd(int a, int b) { while (b != 0) { int t = a % b; a = b; b = t; } return a; }

        private static int GroupOf(TraceLevel level, SiteLayout layout, int server)
            => level == TraceLevel.Rack ? layout.RackOf(server) : level == TraceLevel.Row ? layout.RowOf(server) : 0;
    }
}
