using System;
using PowerTrace.Core.Numerics;

namespace PowerTrace.Core.Synthesis
{
    /// <summary>
    /// Routes a site-level request sequence to servers once, for the whole site (every shard routes the
    /// same sequence the same way), and gathers each server's requests into contiguous segments.
    /// </summary>
    internal static class RequestRouter
    {
        /// <summary>Server (site-wide index) of each request, in arrival order: <see cref="SiteRouter"/> over the whole sequence at once.</summary>
        public static int[] Route(RouterKind kind, int servers, double[] arrivals, int[] prompt, int[] output, int count,
                                  IServerPowerModel model, ref Rng rng)
        {
            var router = new SiteRouter(kind, servers, model, rng);
            var target = new int[count];
            router.Route(arrivals, prompt, output, count, target);
            rng = router.Generator;
            return target;
        }

        /// <summary>
        /// Groups the requests of servers [first, end) by server, keeping arrival order within each:
        /// offsets[s - first] .. offsets[s - first + 1] index the returned arrays.
        /// </summary>
        public static int[] Gather(int[] target, int first, int end, double[] arrivals, int[] prompt, int[] output, int count,
                                   out double[] gArrivals, out int[] gPrompt, out int[] gOutput)
        {
            int n = end - first;
            var offsets = new int[n + 1];
            for (int j = 0; j < count; j++)
            {
                int s = target[j];
                if (s >= first && s < end) offsets[s - first + 1]++;
            }
            for (int i = 0; i < n; i++) offsets[i + 1] += offsets[i];
            int total = offsets[n];
            gArrivals = new double[total];
            gPrompt = new int[total];
            gOutput = new int[total];
            var next = (int[])offsets.Clone();
            for (int j = 0; j < count; j++)
            {
                int s = target[j];
                if (s < first || s >= end) continue;
                int k = next[s - first]++;
                gArrivals[k] = arrivals[j];
                gPrompt[k] = prompt[j];
                gOutput[k] = output[j];
            }
            return offsets;
        }
    }

    /// <summary>
    /// A router that keeps its state between consecutive windows of one site request sequence (the random router's
    /// generator, the round-robin counter, the least-loaded backlog per server), so routing a horizon piece by piece
    /// gives exactly the assignment of routing it whole. Memory O(servers), not O(requests).
    /// </summary>
    internal sealed class SiteRouter
    {
        private readonly RouterKind _kind;
        private readonly int _servers;
        private readonly IServerPowerModel _model;
        private Rng _rng;
        private long _next;
        private double[]? _busy;
        private int[]? _heap;

        public SiteRouter(RouterKind kind, int servers, IServerPowerModel model, Rng rng)
        {
            if (kind != RouterKind.Random && kind != RouterKind.RoundRobin && kind != RouterKind.LeastLoaded)
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown router.");
            _kind = kind; _servers = servers; _model = model; _rng = rng;
        }

        /// <summary>The random router's generator as it stands after the requests routed so far.</summary>
        public Rng Generator => _rng;

        /// <summary>Routes the next <paramref name="count"/> requests (arrival seconds on one time base for the whole run) into <paramref name="target"/>.</summary>
        public void Route(double[] arrivals, int[] prompt, int[] output, int count, int[] target)
        {
            switch (_kind)
            {
                case RouterKind.Random:
                    for (int j = 0; j < count; j++) target[j] = _rng.NextInt(_servers);
                    break;
                case RouterKind.RoundRobin:
                    for (int j = 0; j < count; j++) target[j] = (int)(_next++ % _servers);
                    break;
                default:
                    if (_busy == null)
                    {
                        _busy = new double[_servers];
                        _heap = new int[_servers];
                        for (int i = 0; i < _servers; i++) _heap[i] = i;
                    }
                    var busy = _busy; var heap = _heap!;
                    for (int j = 0; j < count; j++)
                    {
                        int s = heap[0];
                        double start = Math.Max(arrivals[j], busy[s]);
                        double service = _model.EstimateServiceSeconds(prompt[j], output[j]);
                        if (!(service >= 0) || double.IsInfinity(service)) service = 0;
                        busy[s] = start + service;
                        target[j] = s;
                        SiftDown(heap, busy, 0, _servers);
                    }
                    break;
            }
        }

        private static bool Less(double[] busy, int a, int b) => busy[a] < busy[b] || (busy[a] == busy[b] && a < b);

        private static void SiftDown(int[] heap, double[] busy, int i, int n)
        {
            while (true)
            {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < n && Less(busy, heap[l], heap[m])) m = l;
                if (r < n && Less(busy, heap[r], heap[m])) m = r;
                if (m == i) return;
                int t = heap[i]; heap[i] = heap[m]; heap[m] = t;
                i = m;
            }
        }
    }
}
