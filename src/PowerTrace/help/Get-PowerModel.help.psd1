@{
    Synopsis    = 'Lists or returns the built-in reference power models (A100-80GB and H100-80GB, TP 1/2/4/8, 8B- and 70B-class).'
    Description = @'
Get-PowerModel gives a starting point to users without measurements of their own. The 16 reference models (A100-TP1-8B ... H100-TP8-70B) are derived at run time, deterministically, from the anchor shipped in the module's models folder (the power model fitted to the measured RTX A6000 TP1 Llama-3.1-8B recording of LLMServingSim: its residual states and transitions) and from published figures: each GPU's work-power curve (busy floor, watts per TB/s of weight traffic, watts per TFLOP/s, power limit, nvidia-smi meter) calibrated on Splitwise's measured A100 runs and the published A100/H100 vLLM runs, and Splitwise's measured llama2-70b and bloom-176b token rates (perf_model.csv). Decode of small models stays far below TDP; compute-bound prefill of long prompts reaches the power limit. Each model's Provenance.Derivation names every figure and rule used, and Provenance.Uncertainty its band; models/README.md ties each number to its source.

Without -Name, or with -ListAvailable, it writes one table row per model (ReferenceModelInfo: GPU, GPUs, model, idle/decode/prefill node watts, token rates, band, sources). With -Name (tab-completed, wildcards allowed) it writes the PowerModel objects, which pipe into Export-PowerModel, Test-PowerModel or synthesis; a model fitted with New-PowerModel takes the same place in the same pipeline. The TP1-70B models assume 8-bit weights (BF16 weights do not fit one 80 GB GPU).
'@
    Parameters  = @{
        Name          = 'Reference model names, e.g. H100-TP4-70B (case-insensitive, wildcards allowed, tab-completed). An unknown name gives error UnknownReferenceModel.'
        ListAvailable = 'Write the table rows (ReferenceModelInfo) instead of the models, also for the names given.'
        Bound         = 'Low, Central (default) or High end of the uncertainty band: Low has lower state powers and faster token rates (least energy per request), High the reverse. Given without -Name it fails with BoundNeedsName.'
    }
    Inputs      = @('System.String')
    Examples    = @(
        @{
            Code    = 'Get-PowerModel'
            Remarks = 'Lists the 16 reference models with their idle, decode and prefill power, token rates and band.'
        }
        @{
            Code    = "`$m = Get-PowerModel H100-TP4-70B`n`$m.Provenance.Derivation"
            Remarks = 'Returns one reference model and shows how it was derived and from which figures.'
        }
        @{
            Code    = "Get-PowerModel H100-TP8-70B -Bound High | Export-PowerModel -Path ./h100-tp8-70b-high.json"
            Remarks = 'Writes the High end of a reference model band to a file, for a worst-case study beside the central one.'
        }
    )
    Links       = @('New-PowerModel', 'Test-PowerModel')
}
