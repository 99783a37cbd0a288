using System;
using System.Globalization;
using System.Management.Automation;

namespace PowerTrace.Internal
{
    /// <summary>
    /// Takes -ShardIndex and -ShardCount as the job engines hand them over: integers, or the strings of integers that
    /// environment variables hold ($env:JOB_COMPLETION_INDEX, $env:SLURM_ARRAY_TASK_ID, $env:SLURM_ARRAY_TASK_COUNT),
    /// surrounding white space allowed. An unset or empty variable becomes <see cref="Unset"/>, which the cmdlet
    /// reports as InvalidShard (PowerShell would otherwise bind $null to 0, and every job would compute shard 0).
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ShardArgumentAttribute : ArgumentTransformationAttribute
    {
        /// <summary>The value of an unset or empty argument.</summary>
        public const int Unset = int.MinValue;

        public override bool TransformNullOptionalParameters => true;

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object? v = inputData is PSObject ps ? ps.BaseObject : inputData;
            switch (v)
            {
                case null: return Unset;
                case int i: return i;
                case long l when l >= int.MinValue + 1 && l <= int.MaxValue: return (int)l;
                case short s: return (int)s;
                case byte b: return (int)b;
                case string text:
                    string t = text.Trim();
                    if (t.Length == 0) return Unset;
                    if (int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n)) return n;
                    throw new ArgumentTransformationMetadataException($"'{text}' is not a whole number (a shard index or count, e.g. the value of JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID).");
                default:
                    return inputData!;
            }
        }
    }
}
