using System;

namespace PowerTrace.Core.Synthesis.Workloads
{
    /// <summary>Growable arrays of requests (arrival seconds, prompt and output tokens), reused between servers.</summary>
    internal sealed class RequestBuffer
    {
        public double[] Arrivals = new double[256];
        public int[] Prompt = new int[256];
        public int[] Output = new int[256];
        public int Count;

        public void Clear() => Count = 0;

        public void Add(double arrivalSeconds, int prompt, int output)
        {
            if (Count == Arrivals.Length)
            {
                int n = checked(Count * 2);
                Array.Resize(ref Arrivals, n);
                Array.Resize(ref Prompt, n);
                Array.Resize(ref Output, n);
            }
            Arrivals[Count] = arrivalSeconds;
            Prompt[Count] = prompt;
            Output[Count] = output;
            Count++;
        }

        public ServerWorkload AsWorkload() => new ServerWorkload(
            new ArraySegment<double>(Arrivals, 0, Count),
            new ArraySegment<int>(Prompt, 0, Count),
            new ArraySegment<int>(Output, 0, Count));
    }
}
