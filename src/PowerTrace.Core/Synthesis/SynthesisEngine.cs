using System;
using System.Collections.Generic;
using Stopwatch = System.Diagnostics.Stopwatch;
using System.IO;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using PowerTrace.Core.Numerics;
using PowerTrace.Core.Synthesis.Workloads;
using PowerTrace.Core.Traces;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Synthesizes a site's power: routes the traffic, runs the power model once per server (servers split
    /// over worker threads, one <see cref="IServerSynthesizer"/> per worker), and sums servers into racks,
    /// rows, the site and the facility at each level's own resolution.
    /// </summary>
    /// <remarks>
    /// <para><b>Randomness.</b> Server i's power draws use <c>Rng.ForStream(Seed, i)</c>. With Poisson traffic
    /// and random routing each server also draws its own arrivals from an independent Poisson stream at
    /// rate/N (<c>Rng.ForStream(arrival seed, i)</c>): the same law as randomly routing one site stream,
    /// with memory O(one server). Every other combination (a replay, round-robin, least-loaded) builds the
    /// site's request sequence piece by piece and routes it with one router that keeps its state (generator,
    /// counter, backlogs) from piece to piece; every shard computes that sequence and routing identically and keeps
    /// only its own servers' requests (memory O(requests of one piece)).</para>
    /// <para><b>Pieces.</b> A horizon longer than <see cref="SynthesisSettings.PieceSeconds"/> (one day by default; shorter
    /// where a site-level sequence would exceed about two million requests) is synthesized in pieces that are whole
    /// multiples of every output bin. Piece p ≥ 1 starts max(warm-up, 300 s) early with the same requests the previous
    /// piece served there (per-server streams redraw the previous piece's stream; site sequences keep each server's tail),
    /// so its servers enter the piece in the state the traffic left them; the power chain is restarted there from its own
    /// stream (<c>Rng.ForStream(seed derived from the piece, i)</c>; piece 0 uses the unpieced streams, so runs of one
    /// piece are unchanged). Memory is then independent of the horizon; results stay bit-identical for any thread count
    /// and shard split.</para>
    /// <para><b>Methods.</b> <see cref="SynthesisSettings.ResolveMethod"/> Aggregate hands the run to
    /// <see cref="Aggregate.AggregateSynthesis"/>; everything here is the Exact method.</para>
    /// <para><b>Exact sums.</b> Each model bin of each server is quantized once to whole milliwatts:
    /// node = round-half-up(GPU W · 1000) in single precision, GPU watts clamped to [0, 1 MW];
    /// non-GPU = round((base + share · GPU W) · 1000) in double (a constant when share is 0), clamped to 1 MW;
    /// server = node + non-GPU (so at most 2 MW, which fits 32 bits). A NaN from the model is an error
    /// (ModelProducedNaN), not a silent zero. Every level sums these integers (64-bit) over its servers and over the
    /// model bins of an output bin, so results are bit-identical for any thread count and shard split,
    /// and shard sums add up exactly. A trace's watts are (double)sum / (1000 · bins per output bin); the
    /// facility's are (double)(site sum · PUE thousandths) / (10⁶ · bins per output bin), the product taken
    /// exactly (in decimal where it exceeds 64 bits; see <c>FacilityWatts</c>). The quantization
    /// error is at most 0.5 mW (plus single-precision rounding, below 0.2 mW) per server and bin.</para>
    /// <para><b>Blocks.</b> A model whose synthesizer implements <see cref="IBlockServerSynthesizer"/> (the real
    /// power model does) hands each server's power out in blocks of <see cref="BlockBins"/> model bins; each block
    /// is quantized and summed into every level while in cache. Other models fill a whole-horizon buffer that
    /// is then processed in the same blocks. Either way the sums are the same integers.</para>
    /// <para><b>Memory.</b> Per worker: the model's scratch (the real model: 1 byte per model bin of a piece of contexts),
    /// a 4,096-bin block (4 bytes per model bin of a piece more for models without blocks) and one output-bin
    /// sum per level and output bin of a piece; plus each in-memory level's groups × output bins × 16 bytes. Levels written to CSV keep their
    /// sums in a spill file beside the output and are transposed to rows in blocks of bounded size.</para>
    /// </remarks>
    public static class SynthesisEngine
    {
        internal sealed class LevelPlan
        {
            public OutputLevel Spec = null!;
            public TraceLevel Level;
            public int K;          // model bins per output bin
            public int OutBins;
            public int FirstGroup; // site-wide index of local group 0
            public int Groups;
            public LevelStore Store = null!;
            public string? FilePath;
        }

        // Model bins synthesized, quantized and summed at a time per server (kept in L1/L2).
        internal const int BlockBins = 4096;

        private sealed class Worker
        {
            public IServerSynthesizer Synth = null!;
            public IBlockServerSynthesizer? BlockSynth;
            public float[]? Full;   // whole-piece GPU watts, for synthesizers without blocks
            public float[] Gpu = null!;
            public int[] NodeMw = null!;
            public int[] ServerMw = null!;
            public RequestBuffer Requests = new RequestBuffer();
            public RequestBuffer Scratch = new RequestBuffer();
            public long[][] Acc = null!;
            public int[] Current = null!;
            public int OutStart, PieceBins; // the piece being synthesized: first model bin, length
            public long RequestCount;
        }

        // The requests of the shard's servers for one piece: arrival seconds on the run's site time base (horizon
        // seconds + the first warm-up), grouped by local server (offsets), sorted within each server.
        private sealed class PieceRequests
        {
            public double[] Arrivals = Array.Empty<double>();
            public int[] Prompt = Array.Empty<int>(), Output = Array.Empty<int>();
            public int[] Offsets = null!;
            public double[] Relative = Array.Empty<double>();
        }

        /// <summary>Runs a synthesis. Validates first (see <see cref="SynthesisSettings.Validate"/>).</summary>
        /// <param name="settings">What to synthesize.</param>
        /// <param name="progress">Called from worker threads (keep it cheap; marshal to a UI thread yourself).</param>
        /// <param name="cancellationToken">Stops the run promptly (throws <see cref="OperationCanceledException"/>).</param>
        public static SynthesisResult Run(SynthesisSettings settings, Action<SynthesisProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            settings.Validate();
            if (settings.ResolveMethod() == SynthesisMethod.Aggregate)
                return Aggregate.AggregateSynthesis.Run(settings, progress, cancellationToken);
            var sw = Stopwatch.StartNew();
            IServerPowerModel model = settings.Model!;
            SiteLayout layout = settings.Layout;
            double b = model.BinSeconds;
            int nBins = (int)Math.Round(settings.HorizonSeconds / b);
            int first = settings.ShardFirstServer, end = settings.ShardEndServer, nLocal = end - first;
            int siteServers = layout.ServerCount;
            DateTime start = UtcStart(settings);
            SynthesisWorkload workload = settings.Workload!;
            // Warm-up: rate-driven traffic starts nWarm bins before the horizon; those bins are synthesized and dropped.
            int nWarm = workload.Replay != null ? 0 : (int)Math.Round(settings.WarmUpSeconds / b);
            double warm = nWarm * b;
            bool perServerStreams = workload.Rate != null && settings.Router == RouterKind.Random;

            // Pieces: whole multiples of every level's output bin, so no output bin straddles two pieces.
            long lcm = 1;
            foreach (var o in settings.Outputs)
            {
                long k = (long)Math.Round(o.ResolutionSeconds / b);
                lcm = lcm / Gcd(lcm, k) * k;
                if (lcm > nBins) { lcm = nBins; break; }
            }
            long pieceTarget = Math.Max(1, (long)Math.Round(settings.PieceSeconds / b));
            if (!perServerStreams)
            {
                double siteRate = workload.Replay != null ? workload.Replay.ReplayRatePerSecond : workload.Rate!.MaxRatePerSecond;
                if (siteRate > 0) pieceTarget = Math.Min(pieceTarget, Math.Max((long)Math.Round(600 / b), (long)(MaxPieceRequests / siteRate / b)));
            }
            int pieceBins = nBins <= pieceTarget ? nBins : (int)Math.Max(lcm, pieceTarget / lcm * lcm);
            int pieces = (nBins + pieceBins - 1) / pieceBins;
            // Later pieces re-run the traffic of the last max(warm-up, 300 s) before them (at most one piece).
            int pieceWarm = Math.Min(pieceBins, Math.Max(nWarm, (int)Math.Round(MinPieceWarmUpSeconds / b)));

            var plans = new List<LevelPlan>();
            string? outFile = settings.OutFile != null ? Path.GetFullPath(settings.OutFile) : null;
            try
            {
                plans = CreatePlans(settings, b, nBins, first, end, outFile);
                bool needNode = plans.Exists(p => p.Level == TraceLevel.Node);

                ulong seed = settings.Seed, arrivalSeed = DeriveSeed(settings.Seed, 0xA221);
                double nonGpuBase = settings.NonGpu.BaseWatts, nonGpuShare = settings.NonGpu.GpuShare;
                long baseMw = (long)Math.Round(nonGpuBase * 1000);
                int threads = settings.MaxDegreeOfParallelism > 0 ? settings.MaxDegreeOfParallelism : Environment.ProcessorCount;
                int chunk = Math.Max(1, Math.Min(16, nLocal / (threads * 4)));
                int chunks = (nLocal + chunk - 1) / chunk;
                long done = 0, requests = 0, total = (long)nLocal * pieces;
                // A fixed pool: one worker (synthesizer, buffers, level sums) per thread, reused for every piece, pulling
                // chunks of servers from a shared counter.
                int workers = Math.Max(1, Math.Min(threads, chunks));
                var pool = new Worker[workers];
                var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };

                // Site-level request sequence (replay, round-robin, least-loaded): generated and routed piece by piece with
                // one generator and one router for the whole run (identical in every shard); times on the site time base.
                RequestBuffer? site = perServerStreams ? null : new RequestBuffer();
                var siteRng = Rng.ForStream(DeriveSeed(settings.Seed, 0x5173), 0);
                SiteRouter? router = perServerStreams ? null : new SiteRouter(settings.Router, siteServers, model, Rng.ForStream(DeriveSeed(settings.Seed, 0x7007), 0));
                var cursor = new ReplayCursor();
                PieceRequests? pieceReq = null;
                int[] target = Array.Empty<int>();

                for (int piece = 0; piece < pieces; piece++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int pStart = piece * pieceBins, pLen = Math.Min(pieceBins, nBins - pStart);
                    int pWarm = piece == 0 ? nWarm : pieceWarm;
                    double pStartSec = pStart * b, pEndSec = (pStart + pLen) * b;
                    double originTau = (pStart - pWarm) * b + warm; // piece bin -pWarm on the site time base

                    if (!perServerStreams)
                    {
                        if (piece == 0) progress?.Invoke(new SynthesisProgress("Routing", 0, nLocal));
                        site!.Clear();
                        if (workload.Replay != null) workload.Replay.BuildRange(pStartSec, pEndSec, workload.TokenLengths, ref siteRng, site, ref cursor);
                        else
                        {
                            double from = piece == 0 ? -warm : pStartSec;
                            workload.Rate!.Generate(start, from, pEndSec, 1.0, workload.TokenLengths!, ref siteRng, site);
                            double shift = from + warm;
                            if (shift != 0) for (int j = 0; j < site.Count; j++) site.Arrivals[j] += shift;
                        }
                        cancellationToken.ThrowIfCancellationRequested();
                        if (target.Length < site.Count) target = new int[Math.Max(site.Count, target.Length * 2)];
                        router!.Route(site.Arrivals, site.Prompt, site.Output, site.Count, target);
                        pieceReq = NextPiece(pieceReq, site, target, first, end, originTau);
                    }

                    int nextChunk = -1;
                    int pieceIndex = piece;
                    try
                    {
                        Parallel.For(0, workers, options, (wi, loop) =>
                        {
                            var w = pool[wi] ??= NewWorker(model, pieceBins + Math.Max(nWarm, pieceWarm), needNode, plans, pieceBins);
                            w.OutStart = pStart; w.PieceBins = pLen;
                            for (int c = Interlocked.Increment(ref nextChunk); c < chunks; c = Interlocked.Increment(ref nextChunk))
                            {
                                if (loop.ShouldExitCurrentIteration) return; // another worker failed
                                int s0 = first + c * chunk, s1 = Math.Min(end, s0 + chunk);
                                for (int s = s0; s < s1; s++)
                                {
                                    cancellationToken.ThrowIfCancellationRequested();
                                    ServerWorkload work;
                                    if (perServerStreams)
                                    {
                                        ServerArrivals(w, workload, start, s, siteServers, arrivalSeed, pieceIndex, pieceBins, b, warm, pWarm, pStartSec, pEndSec);
                                        work = w.Requests.AsWorkload();
                                    }
                                    else
                                    {
                                        int a = pieceReq!.Offsets[s - first], n = pieceReq.Offsets[s - first + 1] - a;
                                        work = new ServerWorkload(new ArraySegment<double>(pieceReq.Relative, a, n), new ArraySegment<int>(pieceReq.Prompt, a, n), new ArraySegment<int>(pieceReq.Output, a, n));
                                    }
                                    w.RequestCount += CountFrom(work.ArrivalSeconds, pWarm * b);
                                    var rng = pieceIndex == 0 ? Rng.ForStream(seed, (ulong)s) : Rng.ForStream(DeriveSeed(seed, PieceSeedPurpose + (ulong)pieceIndex), (ulong)s);
                                    for (int li = 0; li < plans.Count; li++) SelectGroup(plans[li], li, w, s, layout);
                                    int nTotal = pWarm + pLen;
                                    if (w.BlockSynth != null)
                                    {
                                        w.BlockSynth.Begin(work, rng, nTotal);
                                        for (int wb = 0; wb < pWarm; wb += BlockBins) w.BlockSynth.Next(new Span<float>(w.Gpu, 0, Math.Min(BlockBins, pWarm - wb)));
                                    }
                                    else
                                    {
                                        if (w.Full == null || w.Full.Length < nTotal) w.Full = new float[nTotal];
                                        w.Synth.Synthesize(work, ref rng, new Span<float>(w.Full, 0, nTotal));
                                    }
                                    for (int b0 = 0; b0 < pLen; b0 += BlockBins)
                                    {
                                        int len = Math.Min(BlockBins, pLen - b0);
                                        if (w.BlockSynth != null)
                                        {
                                            w.BlockSynth.Next(new Span<float>(w.Gpu, 0, len));
                                            if (!Quantize(w.Gpu, 0, len, w, needNode, baseMw, nonGpuBase, nonGpuShare)) throw ModelNaN(s, pStart + b0, w.Gpu, 0, len, b);
                                        }
                                        else if (!Quantize(w.Full!, pWarm + b0, len, w, needNode, baseMw, nonGpuBase, nonGpuShare)) throw ModelNaN(s, pStart + b0, w.Full!, pWarm + b0, len, b);
                                        for (int li = 0; li < plans.Count; li++) Accumulate(plans[li], li, w, b0, len);
                                    }
                                }
                                long d = Interlocked.Add(ref done, s1 - s0);
                                progress?.Invoke(new SynthesisProgress("Synthesizing", d, total));
                            }
                            for (int li = 0; li < plans.Count; li++) Flush(plans[li], li, w);
                        });
                    }
                    catch (AggregateException ae) when (ae.InnerExceptions.Count > 0 && ae.InnerExceptions[0] is Errors.PowerTraceException)
                    {
                        // A worker's stable-id error (ModelProducedNaN) surfaces as itself, not wrapped.
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ae.InnerExceptions[0]).Throw();
                        throw;
                    }
                }
                foreach (var w in pool) if (w != null) requests += w.RequestCount;

                EmitOutputs(plans, settings, SynthesisMethod.Exact, b, start, progress, cancellationToken, out var series, out var files);
                sw.Stop();
                return new SynthesisResult(series, files, siteServers, first, end, settings.ShardIndex, settings.ShardCount,
                    requests, (long)nLocal * nBins, sw.Elapsed.TotalSeconds, b);
            }
            finally
            {
                foreach (var p in plans) p.Store?.Dispose();
            }
        }

        // At most about this many site requests are held per piece (site-level sequences).
        private const double MaxPieceRequests = 2e6;
        // Traffic re-run before a later piece, at least (seconds).
        internal const double MinPieceWarmUpSeconds = 300;
        private const ulong PieceSeedPurpose = 0xB10C_0000_0000UL;
        private const ulong PieceArrivalPurpose = 0xA77C_0000_0000UL;

        private static long Gcd(long a, long b) { while (b != 0) { long t = a % b; a = b; b = t; } return a; }

        internal static DateTime UtcStart(SynthesisSettings settings)
            => settings.StartUtc.Kind == DateTimeKind.Utc ? settings.StartUtc
                : settings.StartUtc.Kind == DateTimeKind.Local ? settings.StartUtc.ToUniversalTime() : DateTime.SpecifyKind(settings.StartUtc, DateTimeKind.Utc);

        // Server s's arrivals for a piece, times from the piece's first (warm-up) bin. Piece p draws its own interval from
        // its own stream; the warm-up before it re-draws piece p - 1's stream and keeps its tail, so the requests in the
        // overlap are the ones piece p - 1 served.
        private static void ServerArrivals(Worker w, SynthesisWorkload workload, DateTime start, int s, int siteServers, ulong arrivalSeed,
            int piece, int pieceBins, double b, double warm, int pWarm, double pStartSec, double pEndSec)
        {
            var buf = w.Requests;
            buf.Clear();
            double share = 1.0 / siteServers;
            if (piece == 0)
            {
                var r0 = Rng.ForStream(arrivalSeed, (ulong)s);
                workload.Rate!.Generate(start, -warm, pEndSec, share, workload.TokenLengths!, ref r0, buf);
                return;
            }
            double origin = pStartSec - pWarm * b;
            var tmp = w.Scratch;
            tmp.Clear();
            double prevFrom = piece == 1 ? -warm : (piece - 1) * (double)pieceBins * b;
            var rp = ArrivalStream(arrivalSeed, piece - 1, s);
            workload.Rate!.Generate(start, prevFrom, pStartSec, share, workload.TokenLengths!, ref rp, tmp);
            for (int j = 0; j < tmp.Count; j++)
            {
                double t = tmp.Arrivals[j] + prevFrom;
                if (t >= origin) buf.Add(t - origin, tmp.Prompt[j], tmp.Output[j]);
            }
            tmp.Clear();
            var rc = ArrivalStream(arrivalSeed, piece, s);
            workload.Rate!.Generate(start, pStartSec, pEndSec, share, workload.TokenLengths!, ref rc, tmp);
            for (int j = 0; j < tmp.Count; j++) buf.Add(tmp.Arrivals[j] + pStartSec - origin, tmp.Prompt[j], tmp.Output[j]);
        }

        private static Rng ArrivalStream(ulong arrivalSeed, int piece, int s)
            => piece == 0 ? Rng.ForStream(arrivalSeed, (ulong)s) : Rng.ForStream(DeriveSeed(arrivalSeed, PieceArrivalPurpose + (ulong)piece), (ulong)s);

        // The shard's requests for the next piece: the previous piece's requests at or after originTau (its tail, the
        // new piece's warm-up) followed by the newly routed ones, per local server; Relative holds times from originTau.
        private static PieceRequests NextPiece(PieceRequests? prev, RequestBuffer site, int[] target, int first, int end, double originTau)
        {
            int n = end - first;
            var next = new PieceRequests { Offsets = new int[n + 1] };
            for (int s = 0; s < n; s++)
            {
                int c = 0;
                if (prev != null)
                    for (int i = prev.Offsets[s]; i < prev.Offsets[s + 1]; i++) if (prev.Arrivals[i] >= originTau) c++;
                next.Offsets[s + 1] = c;
            }
            for (int j = 0; j < site.Count; j++)
            {
                int s = target[j];
                if (s >= first && s < end) next.Offsets[s - first + 1]++;
            }
            for (int s = 0; s < n; s++) next.Offsets[s + 1] += next.Offsets[s];
            int total = next.Offsets[n];
            next.Arrivals = new double[total]; next.Prompt = new int[total]; next.Output = new int[total]; next.Relative = new double[total];
            var fill = (int[])next.Offsets.Clone();
            if (prev != null)
                for (int s = 0; s < n; s++)
                    for (int i = prev.Offsets[s]; i < prev.Offsets[s + 1]; i++)
                        if (prev.Arrivals[i] >= originTau)
                        {
                            int k = fill[s]++;
                            next.Arrivals[k] = prev.Arrivals[i]; next.Prompt[k] = prev.Prompt[i]; next.Output[k] = prev.Output[i];
                        }
            for (int j = 0; j < site.Count; j++)
            {
                int s = target[j];
                if (s < first || s >= end) continue;
                int k = fill[s - first]++;
                next.Arrivals[k] = site.Arrivals[j]; next.Prompt[k] = site.Prompt[j]; next.Output[k] = site.Output[j];
            }
            for (int i = 0; i < total; i++) next.Relative[i] = next.Arrivals[i] - originTau;
            return next;
        }

        /// <summary>The output plans (one per requested level) with their stores, in memory or spilled beside <paramref name="outFile"/>.</summary>
        internal static List<LevelPlan> CreatePlans(SynthesisSettings settings, double b, int nBins, int first, int end, string? outFile)
        {
            var plans = new List<LevelPlan>();
            if (outFile != null) Directory.CreateDirectory(Path.GetDirectoryName(outFile) ?? ".");
            try
            {
                foreach (var o in settings.Outputs)
                {
                    int k = (int)Math.Round(o.ResolutionSeconds / b);
                    var p = new LevelPlan { Spec = o, Level = o.Level, K = k, OutBins = nBins / k };
                    GroupRange(o.Level, settings.Layout, first, end, out p.FirstGroup, out p.Groups);
                    if (outFile != null)
                    {
                        p.FilePath = settings.Outputs.Count == 1 ? outFile
                            : Path.Combine(Path.GetDirectoryName(outFile) ?? ".", Path.GetFileNameWithoutExtension(outFile) + "." + o.Level + Path.GetExtension(outFile));
                        p.Store = new SpillLevelStore(p.FilePath + "." + Guid.NewGuid().ToString("N") + ".spill", p.Groups, p.OutBins);
                    }
                    else p.Store = new MemoryLevelStore(p.Groups, p.OutBins);
                    plans.Add(p);
                }
                return plans;
            }
            catch
            {
                foreach (var p in plans) p.Store?.Dispose();
                throw;
            }
        }

        /// <summary>Turns the plans' sums into traces (tagged with their origin and provenance) or CSV files.</summary>
        internal static void EmitOutputs(List<LevelPlan> plans, SynthesisSettings settings, SynthesisMethod method, double b, DateTime start,
            Action<SynthesisProgress>? progress, CancellationToken cancellationToken, out List<PowerSeries> series, out List<SynthesisFileOutput> files,
            string? methodDetail = null)
        {
            series = new List<PowerSeries>();
            files = new List<SynthesisFileOutput>();
            int pueMilli = settings.PueThousandths;
            string provenance = $"synthesized ({method}{(methodDetail != null ? ": " + methodDetail : "")}), seed {settings.Seed}"
                + (settings.ShardCount > 1 ? $", shard {settings.ShardIndex} of {settings.ShardCount}" : "");
            foreach (var p in plans)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (p.FilePath != null)
                    files.Add(SynthesisCsvWriter.Write(p.FilePath, p.Store, p.Level, p.K, b, p.Spec.ResolutionSeconds, start,
                        g => SynthesisFileManifest.ColumnOf(p.Level, p.FirstGroup + g, settings.Layout, settings.Model!.GpuCount), pueMilli,
                        SynthesisOrigin.FromSettings(settings, method), SynthesisFileManifest.DescribeOutputs(settings.Outputs), progress, cancellationToken));
                else
                    for (int g = 0; g < p.Groups; g++) series.Add(ToSeries(p, g, settings.Layout, settings.Model!, start, pueMilli, provenance));
            }
            SynthesisOrigin.TagAll(series, SynthesisOrigin.FromSettings(settings, method));
        }

        // Requests in a sorted segment arriving at or after `from` seconds.
        private static int CountFrom(ArraySegment<double> arrivals, double from)
        {
            int lo = 0, hi = arrivals.Count;
            var a = arrivals.Array!;
            int off = arrivals.Offset;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (a[off + mid] < from) lo = mid + 1; else hi = mid;
            }
            return arrivals.Count - lo;
        }

        internal static ulong DeriveSeed(ulong seed, ulong purpose)
        {
            ulong x = seed ^ (purpose * 0x9E3779B97F4A7C15UL);
            return Rng.SplitMix64(ref x);
        }

        private static Worker NewWorker(IServerPowerModel model, int nBins, bool needNode, List<LevelPlan> plans, int pieceBins)
        {
            var synth = model.CreateSynthesizer();
            int block = Math.Min(BlockBins, nBins);
            var w = new Worker
            {
                Synth = synth,
                BlockSynth = synth as IBlockServerSynthesizer,
                Gpu = new float[block],
                ServerMw = new int[block],
                NodeMw = needNode ? new int[block] : Array.Empty<int>(),
                Acc = new long[plans.Count][],
                Current = new int[plans.Count],
            };
            for (int i = 0; i < plans.Count; i++) { w.Acc[i] = new long[pieceBins / plans[i].K]; w.Current[i] = -1; }
            return w;
        }

        // GPU watts are clamped to [0, 1 MW] per server and non-GPU power to 1 MW, so a server's milliwatts
        // (at most 2·10⁹) fit an int. NaN is reported (Quantize returns false).
        private const float MaxGpuWatts = 1e6f;
        private const double MaxNonGpuMilliwatts = 1e9;

        private static Errors.PowerTraceException ModelNaN(int server, int b0, float[] gpu, int off, int len, double binSeconds)
        {
            int i = 0;
            while (i < len - 1 && !float.IsNaN(gpu[off + i])) i++;
            return new Errors.PowerTraceException("ModelProducedNaN",
                $"The power model produced NaN watts for server {server} at {(b0 + i) * binSeconds:0.###} s into the horizon; the model is broken (a NaN would corrupt every sum).");
        }

        // Quantizes gpu[off, off + len) into w.ServerMw / w.NodeMw [0, len). False when a value is NaN.
        private static bool Quantize(float[] gpu, int off, int len, Worker w, bool needNode, long baseMw, double nonGpuBase, double share)
        {
            int[] server = w.ServerMw, node = w.NodeMw;
            if (share == 0)
            {
                int b = (int)baseMw;
                int i = 0;
                bool nan = false;
                if (Vector.IsHardwareAccelerated)
                {
                    var ok = new Vector<int>(-1);
                    var scale = new Vector<float>(1000f);
                    var half = new Vector<float>(0.5f);
                    var hi = new Vector<float>(MaxGpuWatts);
                    var vb = new Vector<int>(b);
                    int width = Vector<float>.Count;
                    for (; i <= len - width; i += width)
                    {
                        var v = new Vector<float>(gpu, off + i);
                        ok &= Vector.Equals(v, v); // false lanes: NaN
                        var g = Vector.Min(Vector.Max(v, Vector<float>.Zero), hi);
                        var q = Vector.ConvertToInt32(g * scale + half);
                        if (needNode) q.CopyTo(node, i);
                        (q + vb).CopyTo(server, i);
                    }
                    nan = !Vector.EqualsAll(ok, new Vector<int>(-1));
                }
                for (; i < len; i++)
                {
                    float g = gpu[off + i];
                    nan |= float.IsNaN(g);
                    int q = QuantizeMilliwatts(g);
                    if (needNode) node[i] = q;
                    server[i] = q + b;
                }
                return !nan;
            }
            else
            {
                for (int i = 0; i < len; i++)
                {
                    float g = gpu[off + i];
                    if (float.IsNaN(g)) return false;
                    int q = QuantizeMilliwatts(g);
                    if (needNode) node[i] = q;
                    double gc = g < 0 ? 0 : (g > MaxGpuWatts ? MaxGpuWatts : g);
                    server[i] = q + (int)Math.Min(MaxNonGpuMilliwatts, Math.Round((nonGpuBase + share * gc) * 1000.0));
                }
                return true;
            }
        }

        /// <summary>round-half-up(clamp(watts, 0, 1 MW) · 1000) in single precision: the engine's 1 mW quantization.</summary>
        internal static int QuantizeMilliwatts(float watts)
        {
            float g = watts < 0f ? 0f : (watts > MaxGpuWatts ? MaxGpuWatts : watts);
            return (int)(g * 1000f + 0.5f);
        }

        private static void SelectGroup(LevelPlan p, int li, Worker w, int server, SiteLayout layout)
        {
            int g = GroupOf(p.Level, layout, server) - p.FirstGroup;
            if (g != w.Current[li])
            {
                Flush(p, li, w);
                w.Current[li] = g;
            }
        }

        // Adds the quantized block (model bins [b0, b0 + len)) to the level's current group.
        private static void Accumulate(LevelPlan p, int li, Worker w, int b0, int len)
        {
            int[] src = p.Level == TraceLevel.Node ? w.NodeMw : w.ServerMw;
            long[] acc = w.Acc[li];
            int k = p.K;
            if (k == 1)
            {
                int i = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    int width = Vector<int>.Count, half = Vector<long>.Count;
                    for (; i <= len - width; i += width)
                    {
                        Vector.Widen(new Vector<int>(src, i), out Vector<long> lo, out Vector<long> hi);
                        (new Vector<long>(acc, b0 + i) + lo).CopyTo(acc, b0 + i);
                        (new Vector<long>(acc, b0 + i + half) + hi).CopyTo(acc, b0 + i + half);
                    }
                }
                for (; i < len; i++) acc[b0 + i] += src[i];
            }
            else
            {
                int j = b0 / k, i = 0;
                int e = k - b0 % k; // bins of output bin j left in this block
                while (i < len)
                {
                    int end = Math.Min(len, i + e);
                    long s = 0;
                    for (; i < end; i++) s += src[i];
                    acc[j++] += s;
                    e = k;
                }
            }
        }

        private static void Flush(LevelPlan p, int li, Worker w)
        {
            int g = w.Current[li];
            if (g < 0) return;
            int count = w.PieceBins / p.K;
            p.Store.Add(g, w.OutStart / p.K, w.Acc[li], count);
            Array.Clear(w.Acc[li], 0, count);
            w.Current[li] = -1;
        }

        private static int GroupOf(TraceLevel level, SiteLayout layout, int server)
        {
            switch (level)
            {
                case TraceLevel.Node:
                case TraceLevel.Server: return server;
                case TraceLevel.Rack: return layout.RackOf(server);
                case TraceLevel.Row: return layout.RowOf(server);
                default: return 0;
            }
        }

        private static void GroupRange(TraceLevel level, SiteLayout layout, int first, int end, out int firstGroup, out int groups)
        {
            firstGroup = GroupOf(level, layout, first);
            groups = GroupOf(level, layout, end - 1) - firstGroup + 1;
        }

        /// <summary>
        /// Facility watts of a site sum (milliwatt-bins): (site sum · PUE thousandths) / divisor, the product exact
        /// (a 64-bit product while it fits, else a decimal one; never overflows for PUE ≤ 10 and any 64-bit sum).
        /// The engine, its CSV writer and <see cref="TraceMerger"/> all use this one function, so a merge of shard
        /// site sums reproduces the unsharded facility bit for bit.
        /// </summary>
        internal static double FacilityWatts(long siteSum, int pueMilli, double divisor)
        {
            long lim = long.MaxValue / pueMilli;
            if (siteSum <= lim && siteSum >= -lim) return (siteSum * pueMilli) / divisor;
            return (double)((decimal)siteSum * pueMilli) / divisor;
        }

        internal static string TraceName(TraceLevel level, int group)
        {
            switch (level)
            {
                case TraceLevel.Node: return "node " + group;
                case TraceLevel.Server: return "server " + group;
                case TraceLevel.Rack: return "rack " + group;
                case TraceLevel.Row: return "row " + group;
                case TraceLevel.Facility: return "facility";
                default: return "site";
            }
        }

        private static PowerSeries ToSeries(LevelPlan p, int g, SiteLayout layout, IServerPowerModel model, DateTime start, int pueMilli, string provenance)
        {
            var sums = new long[p.OutBins];
            p.Store.Read(g, 0, p.OutBins, sums);
            var watts = new double[p.OutBins];
            if (p.Level == TraceLevel.Facility)
            {
                double d = 1e6 * p.K;
                for (int j = 0; j < watts.Length; j++) watts[j] = FacilityWatts(sums[j], pueMilli, d);
            }
            else
            {
                double d = 1000.0 * p.K;
                for (int j = 0; j < watts.Length; j++) watts[j] = sums[j] / d;
            }
            int site = p.FirstGroup + g;
            HierarchyPosition pos;
            int serversInGroup;
            switch (p.Level)
            {
                case TraceLevel.Node:
                case TraceLevel.Server:
                    pos = new HierarchyPosition(layout.RowOf(site), layout.RackOf(site), site); serversInGroup = 1; break;
                case TraceLevel.Rack:
                    pos = new HierarchyPosition(site / layout.RacksPerRow, site, -1); serversInGroup = layout.ServersPerRack; break;
                case TraceLevel.Row:
                    pos = new HierarchyPosition(site, -1, -1); serversInGroup = layout.ServersPerRack * layout.RacksPerRow; break;
                default:
                    pos = new HierarchyPosition(); serversInGroup = layout.ServerCount; break;
            }
            var meta = new TraceMetadata(gpuCount: model.GpuCount > 0 ? model.GpuCount * serversInGroup : 0, provenance: provenance);
            return new PowerSeries(TraceName(p.Level, site), p.Level, start, p.Spec.ResolutionSeconds, watts, meta, null, pos);
        }
    }
}
