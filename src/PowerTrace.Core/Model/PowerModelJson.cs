using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Workload;

namespace PowerTrace.Core.Model
{
    /// <summary>
    /// Reads and writes power models as JSON documents (schema version <see cref="SchemaVersion"/>).
    /// </summary>
    /// <remarks>
    /// The document (camelCase names; watts, seconds, UTC ISO-8601 times; a non-finite number is written as null):
    /// <code>
    /// { "kind": "PowerTrace.PowerModel", "schemaVersion": 2,
    ///   "configuration": { "gpuType", "gpuCount", "modelName", "tensorParallel", "idleWattsPerGpu", "tdpWattsPerGpu" },
    ///   "binSeconds": 0.25,
    ///   "workloadLagSeconds": 2.5,   // optional (absent = 0): seconds the measured power trailed the training
    ///                                // workload log; applied to contexts built from measured logs, never to emulated ones
    ///   "workPower": {               // optional (schema 2; absent = states carry absolute watts): the work-power curve
    ///     "gpuCount", "idleWattsPerGpu", "busyWattsPerGpu", "wattsPerTBps", "wattsPerTflops", "ceilingWattsPerGpu",
    ///     "meterSeconds", "weightBytes", "activeShare", "flopsPerToken", "referenceMeanWatts", "source",
    ///     "drawsPointReadings",      // instantaneous meter: draw a reading within each bin (false: the states hold the spikes)
    ///     "prefillComputeShare" },   // share of prefill time in arithmetic, not all-reduces (absent = 1)
    ///   "states": [ { "name", "meanWatts", "stdWatts", "share", "ar1", "minWatts", "maxWatts", "binCount" } ],   // sorted by mean;
    ///                                // offsets from the curve when "workPower" is present
    ///   "servingProfile": { "prefillTokensPerSecond", "decodeStepsPerSecond", "decodeStepSlowdownPerRequest",
    ///                       "maxConcurrentRequests", "maxBatchedPromptTokens", "interleave", "learnedFrom", "prefillRateIsLowerBound" },
    ///   "transitions": { "contextScheme", "contextCount", "contextBinCounts": [c],
    ///                    "initial": [c][k] = P(state | context),
    ///                    "probabilities": [k][c][k] = P(next | current, context of the next bin) },
    ///   "provenance": { "createdUtc", "toolVersion", "derivation", "uncertainty" (derived models only:
    ///                   { "idleRelative", "dynamicRelative", "rateRelative", "bound" }), "traces": [ { "name", "powerFile", "workloadFile",
    ///                   "startUtc", "endUtc", "binCount", "validBinCount" } ] } }
    /// </code>
    /// Numbers are written in shortest round-trip form, so Save then Load gives back the same model exactly.
    /// Version 1 documents (no work-power curve) are still read.
    /// </remarks>
    public static class PowerModelJson
    {
        /// <summary>The "kind" marker of a model document.</summary>
        public const string Kind = "PowerTrace.PowerModel";

        /// <summary>Schema version this library writes and reads.</summary>
        public const int SchemaVersion = 2;

        /// <summary>Oldest schema version this library reads.</summary>
        public const int OldestSchemaVersion = 1;

        /// <summary>Writes the model to <paramref name="path"/> (through a temporary file, then a move).</summary>
        public static void Save(PowerModel model, string path)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            string full = Path.GetFullPath(path);
            string tmp = full + ".tmp-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
                    Write(model, fs);
                if (File.Exists(full)) File.Delete(full);
                File.Move(tmp, full);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }

        /// <summary>The model as a JSON string.</summary>
        public static string ToJson(PowerModel model)
        {
            using var ms = new MemoryStream();
            Write(model, ms);
            return System.Text.Encoding.UTF8.GetString(ms.ToArray());
        }

        /// <summary>Writes the model as indented UTF-8 JSON.</summary>
        public static void Write(PowerModel model, Stream stream)
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WriteString("kind", Kind);
            w.WriteNumber("schemaVersion", SchemaVersion);
            var c = model.Configuration;
            w.WriteStartObject("configuration");
            WriteStr(w, "gpuType", c.GpuType);
            w.WriteNumber("gpuCount", c.GpuCount);
            WriteStr(w, "modelName", c.ModelName);
            w.WriteNumber("tensorParallel", c.TensorParallel);
            Num(w, "idleWattsPerGpu", c.IdleWattsPerGpu);
            Num(w, "tdpWattsPerGpu", c.TdpWattsPerGpu);
            w.WriteEndObject();
            Num(w, "binSeconds", model.BinSeconds);
            w.WriteNumber("workloadLagSeconds", model.WorkloadLagSeconds);
            if (model.WorkPower != null)
            {
                var wp = model.WorkPower;
                w.WriteStartObject("workPower");
                w.WriteNumber("gpuCount", wp.GpuCount);
                Num(w, "idleWattsPerGpu", wp.IdleWattsPerGpu);
                Num(w, "busyWattsPerGpu", wp.BusyWattsPerGpu);
                Num(w, "wattsPerTBps", wp.WattsPerTBps);
                Num(w, "wattsPerTflops", wp.WattsPerTflops);
                Num(w, "ceilingWattsPerGpu", wp.CeilingWattsPerGpu);
                Num(w, "meterSeconds", wp.MeterSeconds);
                Num(w, "weightBytes", wp.WeightBytes);
                Num(w, "activeShare", wp.ActiveShare);
                Num(w, "flopsPerToken", wp.FlopsPerToken);
                Num(w, "referenceMeanWatts", wp.ReferenceMeanWatts);
                w.WriteString("source", wp.Source);
                w.WriteBoolean("drawsPointReadings", wp.DrawsPointReadings);
                Num(w, "prefillComputeShare", wp.PrefillComputeShare);
                w.WriteEndObject();
            }
            w.WriteStartArray("states");
            foreach (var s in model.States)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Name);
                Num(w, "meanWatts", s.MeanWatts);
                Num(w, "stdWatts", s.StdWatts);
                Num(w, "share", s.Share);
                Num(w, "ar1", s.Ar1);
                Num(w, "minWatts", s.MinWatts);
                Num(w, "maxWatts", s.MaxWatts);
                w.WriteNumber("binCount", s.BinCount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            var p = model.ServingProfile;
            w.WriteStartObject("servingProfile");
            Num(w, "prefillTokensPerSecond", p.PrefillTokensPerSecond);
            Num(w, "decodeStepsPerSecond", p.DecodeStepsPerSecond);
            Num(w, "decodeStepSlowdownPerRequest", p.DecodeStepSlowdownPerRequest);
            w.WriteNumber("maxConcurrentRequests", p.MaxConcurrentRequests);
            w.WriteNumber("maxBatchedPromptTokens", p.MaxBatchedPromptTokens);
            w.WriteString("interleave", p.Interleave.ToString());
            w.WriteString("learnedFrom", p.LearnedFrom);
            w.WriteBoolean("prefillRateIsLowerBound", p.PrefillRateIsLowerBound);
            w.WriteEndObject();
            var t = model.Transitions;
            int k = t.StateCount, cc = t.ContextCount;
            w.WriteStartObject("transitions");
            w.WriteString("contextScheme", t.ContextScheme);
            w.WriteNumber("contextCount", cc);
            w.WriteStartArray("contextBinCounts");
            foreach (long n in t.RawContextBins) w.WriteNumberValue(n);
            w.WriteEndArray();
            w.WriteStartArray("initial");
            for (int x = 0; x < cc; x++)
            {
                w.WriteStartArray();
                for (int s = 0; s < k; s++) NumValue(w, t.RawInitial[x * k + s]);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("probabilities");
            for (int a = 0; a < k; a++)
            {
                w.WriteStartArray();
                for (int x = 0; x < cc; x++)
                {
                    w.WriteStartArray();
                    for (int s = 0; s < k; s++) NumValue(w, t.RawProbabilities[(a * cc + x) * k + s]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            var pr = model.Provenance;
            w.WriteStartObject("provenance");
            w.WriteString("createdUtc", pr.CreatedUtc.ToString("o", CultureInfo.InvariantCulture));
            w.WriteString("toolVersion", pr.ToolVersion);
            WriteStr(w, "derivation", pr.Derivation);
            if (pr.Uncertainty != null)
            {
                var u = pr.Uncertainty;
                w.WriteStartObject("uncertainty");
                Num(w, "idleRelative", u.IdleRelative);
                Num(w, "dynamicRelative", u.DynamicRelative);
                Num(w, "rateRelative", u.RateRelative);
                w.WriteString("bound", u.Bound.ToString());
                w.WriteEndObject();
            }
            w.WriteStartArray("traces");
            foreach (var tr in pr.Traces)
            {
                w.WriteStartObject();
                w.WriteString("name", tr.Name);
                WriteStr(w, "powerFile", tr.PowerFile);
                WriteStr(w, "workloadFile", tr.WorkloadFile);
                w.WriteString("startUtc", tr.StartUtc.ToString("o", CultureInfo.InvariantCulture));
                w.WriteString("endUtc", tr.EndUtc.ToString("o", CultureInfo.InvariantCulture));
                w.WriteNumber("binCount", tr.BinCount);
                w.WriteNumber("validBinCount", tr.ValidBinCount);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.Flush();
        }

        /// <summary>Reads a model file.</summary>
        /// <exception cref="InputFormatException">NotAPowerModel, UnsupportedSchemaVersion, InvalidPowerModel.</exception>
        public static PowerModel Load(string path)
        {
            string full = Path.GetFullPath(path);
            byte[] bytes = File.ReadAllBytes(full);
            return Parse(bytes, full);
        }

        /// <summary>Reads a model from JSON bytes; <paramref name="source"/> names it in errors.</summary>
        public static PowerModel Parse(byte[] utf8Json, string source)
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(utf8Json); }
            catch (JsonException ex)
            {
                throw new InputFormatException("NotAPowerModel", source, (ex.LineNumber ?? -1) + 1, null, "The file is not JSON, so it is not a PowerTrace power model.", ex);
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String || kind.GetString() != Kind)
                    throw new InputFormatException("NotAPowerModel", source, 0, "kind", $"The file is JSON but not a PowerTrace power model (no \"kind\": \"{Kind}\").");
                if (!root.TryGetProperty("schemaVersion", out var ver) || ver.ValueKind != JsonValueKind.Number || !ver.TryGetInt32(out int v))
                    throw new InputFormatException("UnsupportedSchemaVersion", source, 0, "schemaVersion", "The model has no schema version.");
                if (v < OldestSchemaVersion || v > SchemaVersion)
                    throw new InputFormatException("UnsupportedSchemaVersion", source, 0, "schemaVersion", $"The model has schema version {v}; this version of PowerTrace reads versions {OldestSchemaVersion} to {SchemaVersion}.");
                try
                {
                    return Read(root);
                }
                catch (Exception ex) when (!(ex is InvalidSettingException) && (ex is KeyNotFoundException || ex is InvalidOperationException || ex is FormatException || ex is ArgumentException || ex is IndexOutOfRangeException))
                {
                    throw new InputFormatException("InvalidPowerModel", source, 0, null, "The power model document is incomplete or malformed: " + ex.Message, ex);
                }
            }
        }

        private static PowerModel Read(JsonElement root)
        {
            var c = Obj(root, "configuration");
            var config = new ModelConfiguration(Str(c, "gpuType"), Int(c, "gpuCount"), Str(c, "modelName"), Int(c, "tensorParallel"), Dbl(c, "idleWattsPerGpu"), Dbl(c, "tdpWattsPerGpu"));
            double bin = Dbl(root, "binSeconds");
            double lag = root.TryGetProperty("workloadLagSeconds", out var le) && le.ValueKind == JsonValueKind.Number ? le.GetDouble() : 0.0;
            WorkPower? work = null;
            if (root.TryGetProperty("workPower", out var we) && we.ValueKind == JsonValueKind.Object)
                work = new WorkPower(Int(we, "gpuCount"), Dbl(we, "idleWattsPerGpu"), Dbl(we, "busyWattsPerGpu"), Dbl(we, "wattsPerTBps"), Dbl(we, "wattsPerTflops"),
                    Dbl(we, "ceilingWattsPerGpu"), Dbl(we, "meterSeconds"), Dbl(we, "weightBytes"), Dbl(we, "activeShare"), Dbl(we, "flopsPerToken"),
                    Dbl(we, "referenceMeanWatts"), Str(we, "source") ?? "",
                    !we.TryGetProperty("drawsPointReadings", out var dp) || dp.ValueKind != JsonValueKind.False,
                    we.TryGetProperty("prefillComputeShare", out var pc) && pc.ValueKind == JsonValueKind.Number ? pc.GetDouble() : 1.0);
            var states = new List<PowerState>();
            foreach (var s in Arr(root, "states").EnumerateArray())
                states.Add(new PowerState(states.Count, Str(s, "name") ?? "", Dbl(s, "meanWatts"), Dbl(s, "stdWatts"), Dbl(s, "share"), Dbl(s, "ar1"), Dbl(s, "minWatts"), Dbl(s, "maxWatts"), Long(s, "binCount")));
            if (states.Count == 0)
                throw new InvalidSettingException("ModelHasNoStates", "states", "The power model has no states.");
            var p = Obj(root, "servingProfile");
            var profile = new ServingProfile(Dbl(p, "prefillTokensPerSecond"), Dbl(p, "decodeStepsPerSecond"), Dbl(p, "decodeStepSlowdownPerRequest"), Int(p, "maxConcurrentRequests"), Int(p, "maxBatchedPromptTokens"),
                (PrefillInterleave)Enum.Parse(typeof(PrefillInterleave), Str(p, "interleave") ?? nameof(PrefillInterleave.ChunkedPrefill)),
                Str(p, "learnedFrom"), p.TryGetProperty("prefillRateIsLowerBound", out var lb) && lb.ValueKind == JsonValueKind.True);
            var t = Obj(root, "transitions");
            int k = states.Count, cc = Int(t, "contextCount");
            string scheme = Str(t, "contextScheme") ?? "";
            if (scheme != WorkloadContext.Scheme || cc != WorkloadContext.Count)
                throw new FormatException($"Context scheme '{scheme}' with {cc} contexts is not the one this version uses ('{WorkloadContext.Scheme}', {WorkloadContext.Count}).");
            var bins = new long[cc];
            int i = 0;
            foreach (var e in Arr(t, "contextBinCounts").EnumerateArray()) bins[i++] = e.GetInt64();
            if (i != cc) throw new FormatException("contextBinCounts has the wrong length.");
            var init = new double[cc * k];
            i = 0;
            foreach (var row in Arr(t, "initial").EnumerateArray())
                foreach (var e in row.EnumerateArray()) init[i++] = NumOf(e);
            if (i != cc * k) throw new FormatException("initial has the wrong size.");
            var prob = new double[k * cc * k];
            i = 0;
            foreach (var a in Arr(t, "probabilities").EnumerateArray())
                foreach (var row in a.EnumerateArray())
                    foreach (var e in row.EnumerateArray()) prob[i++] = NumOf(e);
            if (i != k * cc * k) throw new FormatException("probabilities has the wrong size.");
            var transitions = new TransitionModel(scheme, k, cc, prob, init, bins);
            var pr = Obj(root, "provenance");
            var traces = new List<TrainingTrace>();
            foreach (var tr in Arr(pr, "traces").EnumerateArray())
                traces.Add(new TrainingTrace(Str(tr, "name") ?? "", Str(tr, "powerFile"), Str(tr, "workloadFile"), Date(tr, "startUtc"), Date(tr, "endUtc"), Int(tr, "binCount"), Int(tr, "validBinCount")));
            ModelUncertainty? unc = null;
            if (pr.TryGetProperty("uncertainty", out var ue) && ue.ValueKind == JsonValueKind.Object)
                unc = new ModelUncertainty(Dbl(ue, "idleRelative"), Dbl(ue, "dynamicRelative"), Dbl(ue, "rateRelative"),
                    (ModelBound)Enum.Parse(typeof(ModelBound), Str(ue, "bound") ?? nameof(ModelBound.Central)));
            var prov = new ModelProvenance(traces, Date(pr, "createdUtc"), Str(pr, "toolVersion") ?? "", Str(pr, "derivation"), unc);
            return new PowerModel(config, bin, states, profile, transitions, prov, lag, work);
        }

        private static void WriteStr(Utf8JsonWriter w, string name, string? value)
        {
            if (value == null) w.WriteNull(name); else w.WriteString(name, value);
        }

        private static void Num(Utf8JsonWriter w, string name, double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) w.WriteNull(name); else w.WriteNumber(name, value);
        }

        private static void NumValue(Utf8JsonWriter w, double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value)) w.WriteNullValue(); else w.WriteNumberValue(value);
        }

        private static JsonElement Get(JsonElement o, string name)
        {
            if (!o.TryGetProperty(name, out var e)) throw new KeyNotFoundException($"Missing \"{name}\".");
            return e;
        }

        private static JsonElement Obj(JsonElement o, string name)
        {
            var e = Get(o, name);
            if (e.ValueKind != JsonValueKind.Object) throw new FormatException($"\"{name}\" must be an object.");
            return e;
        }

        private static JsonElement Arr(JsonElement o, string name)
        {
            var e = Get(o, name);
            if (e.ValueKind != JsonValueKind.Array) throw new FormatException($"\"{name}\" must be an array.");
            return e;
        }

        private static string? Str(JsonElement o, string name)
            => o.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

        private static double NumOf(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();
        private static double Dbl(JsonElement o, string name) => NumOf(Get(o, name));
        private static int Int(JsonElement o, string name) => Get(o, name).GetInt32();
        private static long Long(JsonElement o, string name) => Get(o, name).GetInt64();

        private static DateTime Date(JsonElement o, string name)
            => DateTime.Parse(Get(o, name).GetString() ?? throw new FormatException($"\"{name}\" is null."), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime();
    }
}
