using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using PowerTrace.Core.Derivation;
using PowerTrace.Core.Errors;
using PowerTrace.Core.Hardware;
using PowerTrace.Core.Model;
using PowerTrace.Internal;

namespace PowerTrace.Commands
{
    /// <summary>
    /// Get-PowerModel: the built-in reference power models (A100-80GB and H100-80GB at TP 1, 2, 4, 8 serving an 8B- and a
    /// 70B-class model), derived from the shipped measured anchor and published figures. Without -Name (or with
    /// -ListAvailable) it lists them as a table; with -Name it returns the models.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "PowerModel", DefaultParameterSetName = ModelSet)]
    [OutputType(typeof(PowerModel), ParameterSetName = new[] { ModelSet })]
    [OutputType(typeof(ReferenceModelInfo), ParameterSetName = new[] { ModelSet, ListSet })]
    public sealed class GetPowerModelCommand : PowerTraceCmdlet
    {
        private const string ModelSet = "Model";
        private const string ListSet = "List";

        /// <summary>Reference model names (wildcards allowed), e.g. H100-TP4-70B.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ModelSet)]
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ListSet)]
        [ArgumentCompleter(typeof(ReferenceModelNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Write the table rows (name, GPU, TP, powers, rates, sources) instead of the models.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ListSet)]
        public SwitchParameter ListAvailable { get; set; }

        /// <summary>Low, Central (default) or High end of each model's uncertainty band.</summary>
        [Parameter(ParameterSetName = ModelSet)]
        public ModelBound Bound { get; set; } = ModelBound.Central;

        protected override void ProcessRecord()
        {
            if (Name == null && MyInvocation.BoundParameters.ContainsKey(nameof(Bound)))
                ThrowCoreError(new InvalidSettingException("BoundNeedsName", "Bound",
                    "-Bound picks the end of a model's uncertainty band: give -Name with it (Get-PowerModel without -Name lists the models)."), null);
            bool list = ListAvailable.IsPresent || Name == null;
            var names = Select();
            if (list) WriteVerbose($"Listing {names.Count} of {ReferenceModels.Names.Count} built-in reference model(s).");
            foreach (string n in names)
            {
                try
                {
                    if (list) WriteObject(ReferenceModels.Info(n));
                    else
                    {
                        var model = ModelVariants.WithBound(ReferenceModels.Get(n), Bound);
                        WriteVerbose($"Reference model {n} ({Bound}): {model.Configuration}, {model.StateCount} states at {model.BinSeconds} s bins.");
                        WriteObject(model);
                    }
                }
                catch (PowerTraceException ex) { WriteCoreError(ex, n); }
            }
        }

        private List<string> Select()
        {
            var all = ReferenceModels.Names;
            if (Name == null) return all.ToList();
            var result = new List<string>();
            foreach (string pattern in Name)
            {
                if (WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    var wc = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                    result.AddRange(all.Where(n => wc.IsMatch(n) && !result.Contains(n)));
                }
                else if (all.Any(n => string.Equals(n, pattern, StringComparison.OrdinalIgnoreCase)))
                    result.Add(all.First(n => string.Equals(n, pattern, StringComparison.OrdinalIgnoreCase)));
                else
                    WriteError(ToErrorRecord(new InvalidSettingException("UnknownReferenceModel", "Name",
                        $"There is no reference model '{pattern}'. Available: {string.Join(", ", all)}."), pattern));
            }
            return result;
        }
    }

    /// <summary>Tab completion of reference model names.</summary>
    public sealed class ReferenceModelNameCompleter : IArgumentCompleter
    {
        /// <summary>Names starting with what was typed (case-insensitive).</summary>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string w = (wordToComplete ?? "").Trim('\'', '"');
            foreach (string n in ReferenceModels.Names)
                if (n.StartsWith(w, StringComparison.OrdinalIgnoreCase))
                    yield return new CompletionResult(n, n, CompletionResultType.ParameterValue, ReferenceModels.Info(n).ModelName + " on " + n);
        }
    }

    /// <summary>Tab completion of GPU names from the GPU catalog.</summary>
    public sealed class GpuNameCompleter : IArgumentCompleter
    {
        /// <summary>Catalog names and aliases starting with what was typed.</summary>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string w = (wordToComplete ?? "").Trim('\'', '"');
            foreach (var g in GpuCatalog.All)
                foreach (string n in new[] { g.Name }.Concat(g.Aliases))
                    if (n.StartsWith(w, StringComparison.OrdinalIgnoreCase) && n.IndexOf(' ') < 0)
                        yield return new CompletionResult(n, n, CompletionResultType.ParameterValue, g.ToString());
        }
    }
}
