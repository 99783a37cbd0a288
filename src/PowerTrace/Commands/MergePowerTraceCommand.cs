using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Synthesis;
using PowerTrace.Core.Traces;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// <para type="synopsis">Sums shard outputs of Invoke-TraceSynthesis into the site's traces.</para>
    /// <para type="description">Traces with the same level, name, position, start, bin width and bin count are summed;
    /// the others pass through. Synthesized traces merge exactly (bit-identical to the unsharded run) by recovering the
    /// engine's integer milliwatt sums (for the facility the site-scale sum, with the PUE the traces carry), exact while
    /// each input's sum is below 2^51 milliwatt-bins (156 MW per shard trace at 1 h from 250 ms bins); traces that do not round-trip are summed in double with a warning. Shards given
    /// twice, shards of different seeds or settings and missing shards are warned about. Output is in the order of an
    /// unsharded run.</para>
    /// </summary>
    [Cmdlet(VerbsData.Merge, "PowerTrace", DefaultParameterSetName = DefaultSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PowerSeries), typeof(SynthesisFileOutput))]
    public sealed class MergePowerTraceCommand : PowerTraceCmdlet
    {
        private const string DefaultSet = "Default";
        private const string PathSet = "Path";
        private const string LiteralPathSet = "LiteralPath";
        private readonly List<PowerSeries> _traces = new List<PowerSeries>();
        private readonly List<string> _files = new List<string>();

        /// <summary><para type="description">Traces to merge (pipeline).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, Position = 0, ParameterSetName = DefaultSet)]
        public PowerSeries[] InputObject { get; set; } = null!;

        /// <summary><para type="description">Shard CSV files written by Invoke-TraceSynthesis -OutFile (wildcards).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string[]? Path { get; set; }

        /// <summary><para type="description">Shard CSV files, taken literally (bound from Get-ChildItem output).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[]? LiteralPath { get; set; }

        /// <summary><para type="description">Write the merged site as Invoke-TraceSynthesis -OutFile would (one file per level when several).</para></summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public string? OutFile { get; set; }

        /// <summary><para type="description">Replace existing -OutFile files.</para></summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        public SwitchParameter Force { get; set; }

        /// <summary><para type="description">Override of the synthesizing model's bin width, seconds (default: carried by
        /// the synthesized traces, else derived from the values).</para></summary>
        [Parameter(ParameterSetName = DefaultSet)]
        public double ModelBinSeconds { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == DefaultSet)
            {
                foreach (var t in InputObject) if (t != null) _traces.Add(t);
                return;
            }
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string f in ResolveFiles(literal ? LiteralPath : Path, literal))
                if (!f.EndsWith(SynthesisFileManifest.Suffix, StringComparison.OrdinalIgnoreCase)) _files.Add(f); // a wildcard may catch the sidecars too
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName != DefaultSet) { MergeFiles(); return; }
            TraceMergeResult merged;
            bool binGiven = MyInvocation.BoundParameters.ContainsKey(nameof(ModelBinSeconds));
            try { merged = TraceMerger.Merge(_traces, binGiven ? ModelBinSeconds : (double?)null); }
            catch (PowerTraceException ex) { ThrowCoreError(ex, null); return; }
            WriteVerbose($"Merged {_traces.Count} input trace(s) into {merged.Traces.Count} trace(s)"
                + (merged.InexactGroups > 0 ? $" ({merged.InexactGroups} group(s) summed in double precision)." : "."));
            foreach (string w in merged.Warnings) WriteWarning(w);
            if (merged.InexactGroups > 0)
                WriteWarning($"{merged.InexactGroups} group(s) of traces were not exactly mergeable (not whole-milliwatt sums " +
                    (binGiven ? $"on a {ModelBinSeconds} s model bin" : "of a synthesis") + ", or too large) and were summed in double precision.");
            foreach (var t in merged.Traces) WriteObject(t);
        }

        // Shard files from separate processes or machines: checked against their sidecars, merged exactly.
        private void MergeFiles()
        {
            IReadOnlyList<SynthesisFileMerger.MergedLevel> levels;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try { levels = SynthesisFileMerger.Merge(_files, CancellationToken); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException) { ThrowCoreError(ex, null); return; }
            foreach (var l in levels)
            {
                WriteVerbose($"Merged {l.Level} at {l.ResolutionSeconds} s from {l.Files.Count} shard file(s) (seed {l.Origin.Seed}): {l.Traces.Count} trace(s) of {l.Traces[0].BinCount:N0} bins.");
                if (l.InexactGroups > 0) WriteWarning($"{l.Level}: {l.InexactGroups} group(s) were not exactly mergeable and were summed in double precision.");
            }
            if (OutFile == null)
            {
                foreach (var l in levels) foreach (var t in l.Traces) WriteObject(t);
                return;
            }
            var paths = SynthesisFileMerger.OutputPaths(levels, ResolveOutputPath(OutFile));
            if (!ShouldProcess(string.Join(", ", paths), "Write merged traces")) return;
            if (!Force)
                foreach (string p in paths)
                    if (File.Exists(p))
                        ThrowTerminatingError(new ErrorRecord(new IOException($"'{p}' exists; use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, p));
            IReadOnlyList<SynthesisFileOutput> written;
            try { written = SynthesisFileMerger.WriteMerged(levels, OutFile == null ? "" : ResolveOutputPath(OutFile), CancellationToken); }
            catch (OperationCanceledException) { throw new PipelineStoppedException(); }
            catch (Exception ex) when (ex is PowerTraceException || ex is IOException || ex is UnauthorizedAccessException) { ThrowCoreError(ex, null); return; }
            foreach (var f in written)
            {
                WriteVerbose($"Wrote {f.Level} ({f.TraceCount} trace(s) x {f.BinCount:N0} rows) to {f.Path} in {clock.Elapsed.TotalSeconds:0.00} s.");
                WriteObject(f);
            }
        }
    }
}
