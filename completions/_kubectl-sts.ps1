
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-sts' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-sts'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-sts' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'One table with a row per ordinal: pod, node health, claims, volumes, DNS name, revision; and what is wrong')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Scale one pod at a time, highest ordinal first; every pod must be Ready before each step and again after it. Claims are never deleted')
            [CompletionResult]::new('force-delete', 'force-delete', [CompletionResultType]::ParameterValue, 'Delete a pod stuck on a dead node with grace period 0, after proving the node dead; needs confirmation')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'Bring a pod stuck on a dead node back by the fastest safe path for its volumes (out-of-service taint, grace-0 delete, or waiting for the node), and follow it until Ready')
            [CompletionResult]::new('resize-storage', 'resize-storage', [CompletionResultType]::ParameterValue, 'Grow the volumes of one volumeClaimTemplate: every claim, then the set re-created with the bigger template (its pods keep running); resumable')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Updates: status for every strategy, guarded one-pod-at-a-time rollouts, the stuck-rollout repair, restart')
            [CompletionResult]::new('release-node', 'release-node', [CompletionResultType]::ParameterValue, 'Remove the out-of-service taint from a node that is back (refused while it is still down)')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Node maintenance: a preflight that says what would block, then cordon and evict one pod at a time, never two pods of one StatefulSet down')
            [CompletionResult]::new('uncordon', 'uncordon', [CompletionResultType]::ParameterValue, 'Undo drain''s cordon (another''s only with --force) and follow the pods that waited for the node back to Ready')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'The risks a StatefulSet carries before they bite (budgets, retention, storage, placement, Service, probes; whether a drain would block), from the cluster or a manifest (-f). Read-only')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Run a simulated Kubernetes API server on 127.0.0.1 (for tests, demos and rehearsals)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Tell the seed lab''s story on a simulated cluster: rollout, stable identity, scale, a dead node and its recovery')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('install-links', 'install-links', [CompletionResultType]::ParameterValue, 'Create the plugin names (kubectl-sts_inspect …, for `kubectl sts-inspect`) as links beside the kubectl-sts that kubectl finds: one binary, no copies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;inspect' {
            [CompletionResult]::new('--cluster-domain', '--cluster-domain', [CompletionResultType]::ParameterName, 'Cluster DNS domain for the stable names')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--fail-on-problems', '--fail-on-problems', [CompletionResultType]::ParameterName, 'Exit with code 5 when problems (warnings or errors) are found')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Redraw whenever the set, its pods, claims or nodes change')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Redraw whenever the set, its pods, claims or nodes change')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, 'The overview: add each set''s fullest claim (FULLEST), from the kubelets'' volume stats — one request per node that runs a StatefulSet pod. `inspect NAME` always reads them (USED)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;scale' {
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'The number of replicas to reach')
            [CompletionResult]::new('--max-steps', '--max-steps', [CompletionResultType]::ParameterName, 'Refuse a scale of more steps than this (each step is one pod and a wait)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for each step (the removed pod gone, or the added one Ready, and all others Ready); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0')
            [CompletionResult]::new('--current-replicas', '--current-replicas', [CompletionResultType]::ParameterName, 'Proceed only if spec.replicas is this now (as kubectl scale --current-replicas)')
            [CompletionResult]::new('--break-lease', '--break-lease', [CompletionResultType]::ParameterName, 'Take the set''s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the guards and print the plan; change nothing')
            [CompletionResult]::new('--allow-claim-deletion', '--allow-claim-deletion', [CompletionResultType]::ParameterName, 'Accept that a persistentVolumeClaimRetentionPolicy of whenScaled: Delete makes the StatefulSet controller delete the removed pods'' claims (refused otherwise)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;force-delete' {
            [CompletionResult]::new('--node-silence', '--node-silence', [CompletionResultType]::ParameterName, 'How long the node''s kubelet must have been silent (no Lease renewal, no status heartbeat) before the node counts as dead')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait with --wait; 0 = no limit')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check eligibility and print the evidence; delete nothing')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for the replacement pod to be Ready')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;recover' {
            [CompletionResult]::new('--node-silence', '--node-silence', [CompletionResultType]::ParameterName, 'How long the node''s kubelet must have been silent before the node counts as dead')
            [CompletionResult]::new('--abandon-data', '--abandon-data', [CompletionResultType]::ParameterName, 'With a volume pinned to the dead node: give up its data. Deletes the pod and the ordinal''s claims (named exactly, comma-separated; typed at the prompt otherwise), so that the StatefulSet controller creates empty ones')
            [CompletionResult]::new('--node-is-off', '--node-is-off', [CompletionResultType]::ParameterName, 'Assert that the machine behind NODE is really off (powered down, not only unreachable): needed with --yes on the out-of-service path, which deletes every pod on the node without its kubelet confirming. Not needed where the node already has the taint')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for the ordinal to be Ready again; 0 = no limit')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the evidence, the path and what would be written; write nothing')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With a volume pinned to the dead node: wait for the node to return')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;resize-storage' {
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'The volumeClaimTemplate to grow (default: the set''s only one)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'The new size (a Kubernetes quantity, e.g. 5Gi); it only grows, by at most 10× unless --allow-large-growth')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait of each stage (the claims'' resize, the delete, the adoption); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--allow-large-growth', '--allow-large-growth', [CompletionResultType]::ParameterName, 'Allow a size more than ten times the current one (a claim never shrinks again)')
            [CompletionResult]::new('--allow-managed', '--allow-managed', [CompletionResultType]::ParameterName, 'Resize a set that an operator, Argo CD or Flux manages: its source already has the new size')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the preflight and print the plan; change nothing')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per ordinal: revision, Ready/available, below or above the partition; the state in words. Exit 0 when done, 5 when not')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Perform an OnDelete update one pod at a time (or lower a partition with --to-partition), each step only when every pod is Ready and available')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Replace the pod an OrderedReady rolling update waits for forever (on an old revision, not Ready for --stuck-after), after confirmation')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'As kubectl rollout restart, refused while any pod is unhealthy, and followed to completion (OnDelete: performed as apply)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;rollout;status' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait with --watch; 0 = no limit')
            [CompletionResult]::new('--stuck-after', '--stuck-after', [CompletionResultType]::ParameterName, 'A pod not Ready for longer than this makes the rollout "stuck"')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Wait (watch-driven) until the rollout is done')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Wait (watch-driven) until the rollout is done')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;apply' {
            [CompletionResult]::new('--to-partition', '--to-partition', [CompletionResultType]::ParameterName, 'RollingUpdate with a partition: lower it to N, maxUnavailable ordinals at a time')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for each step (its pods back on the update revision and available); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0')
            [CompletionResult]::new('--break-lease', '--break-lease', [CompletionResultType]::ParameterName, 'Take the set''s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the guards and print the plan; change nothing')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;repair' {
            [CompletionResult]::new('--stuck-after', '--stuck-after', [CompletionResultType]::ParameterName, 'How long a pod must have been not Ready to count as stuck')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for the replacement to be available (at the update revision, or the current one below a partition); 0 = no limit')
            [CompletionResult]::new('--break-lease', '--break-lease', [CompletionResultType]::ParameterName, 'Take the set''s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm without a prompt (needed when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the evidence and what would be deleted; change nothing')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;restart' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest the whole restart may take, every wait included (the controller observing the change, a pod stuck Terminating, each pod''s replacement); a pod not Ready for that long also stops it; 0 = no limit (the wait before each write for what settles by itself still ends at its own expected maximum)')
            [CompletionResult]::new('--break-lease', '--break-lease', [CompletionResultType]::ParameterName, 'Take the set''s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the guards and say what would happen; change nothing')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;rollout;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per ordinal: revision, Ready/available, below or above the partition; the state in words. Exit 0 when done, 5 when not')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Perform an OnDelete update one pod at a time (or lower a partition with --to-partition), each step only when every pod is Ready and available')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Replace the pod an OrderedReady rolling update waits for forever (on an old revision, not Ready for --stuck-after), after confirmation')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'As kubectl rollout restart, refused while any pod is unhealthy, and followed to completion (OnDelete: performed as apply)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;rollout;help;status' {
            break
        }
        'kubectl-sts;rollout;help;apply' {
            break
        }
        'kubectl-sts;rollout;help;repair' {
            break
        }
        'kubectl-sts;rollout;help;restart' {
            break
        }
        'kubectl-sts;rollout;help;help' {
            break
        }
        'kubectl-sts;release-node' {
            [CompletionResult]::new('--node-silence', '--node-silence', [CompletionResultType]::ParameterName, 'How recently the node''s kubelet must have reported for the node to count as back')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check and say what would be done; change nothing')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;drain' {
            [CompletionResult]::new('--pinned', '--pinned', [CompletionResultType]::ParameterName, 'Pods whose volume only this node holds: refuse (default), or wait — evicted last, Pending until the node returns')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for one pod (its set''s disruption Lease, its eviction allowed, its replacement available); 0 = no limit')
            [CompletionResult]::new('--node-silence', '--node-silence', [CompletionResultType]::ParameterName, 'A kubelet silent for longer than this makes the node dead: not drained')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only the node''s pods that match this label selector (as kubectl drain)')
            [CompletionResult]::new('--pod-selector', '--pod-selector', [CompletionResultType]::ParameterName, 'Only the node''s pods that match this label selector (as kubectl drain)')
            [CompletionResult]::new('--grace-period', '--grace-period', [CompletionResultType]::ParameterName, 'Seconds each evicted pod gets to terminate; -1 (default) = the pod''s own (as kubectl drain). A StatefulSet pod is never evicted with 0')
            [CompletionResult]::new('--skip-wait-for-delete-timeout', '--skip-wait-for-delete-timeout', [CompletionResultType]::ParameterName, 'Do not wait for a pod deleted longer ago than this (as kubectl drain); 0 = always wait')
            [CompletionResult]::new('--parallel-sets', '--parallel-sets', [CompletionResultType]::ParameterName, 'How many StatefulSets are drained at once (each still one pod at a time)')
            [CompletionResult]::new('--break-lease', '--break-lease', [CompletionResultType]::ParameterName, 'Take the set''s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Run the preflight and print the plan; change nothing')
            [CompletionResult]::new('--ignore-daemonsets', '--ignore-daemonsets', [CompletionResultType]::ParameterName, 'Leave DaemonSet pods (as kubectl drain)')
            [CompletionResult]::new('--delete-emptydir-data', '--delete-emptydir-data', [CompletionResultType]::ParameterName, 'Evict pods with emptyDir data, which is lost (as kubectl drain)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Evict pods that no controller manages (as kubectl drain)')
            [CompletionResult]::new('--allow-downtime', '--allow-downtime', [CompletionResultType]::ParameterName, 'Evict the only replica of a StatefulSet (the set is down until it runs elsewhere); with --pinned wait, also two or more pods of one set left Pending together')
            [CompletionResult]::new('--allow-update', '--allow-update', [CompletionResultType]::ParameterName, 'Evict a StatefulSet pod that comes back at another revision than the one it runs (OnDelete with an update pending, a partition boundary)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;uncordon' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Longest wait for the pods that waited for this node to be Ready again; 0 = no limit')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Uncordon a node that kubectl sts drain did not cordon')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be done; change nothing')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;check' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Check a manifest instead of the cluster: a file, or - for stdin (helm template, kustomize build). No kubeconfig is read')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Check a manifest instead of the cluster: a file, or - for stdin (helm template, kustomize build). No kubeconfig is read')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 5 when a finding at or above this severity is left')
            [CompletionResult]::new('--ignore', '--ignore', [CompletionResultType]::ParameterName, 'Leave these checks out (comma-separated IDs, e.g. STS015,STS019)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'Print every check (ID, severity, what it finds, what it rests on) and exit')
            [CompletionResult]::new('--usage', '--usage', [CompletionResultType]::ParameterName, 'Without NAME: run STS023 (volumes filling up) too, which asks each node that runs one of the sets'' pods for its kubelet''s volume stats (one request per node; get nodes/proxy). A single set (NAME) is always checked')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;sim' {
            [CompletionResult]::new('--scenario', '--scenario', [CompletionResultType]::ParameterName, 'What the cluster starts with: `seed` (the lab''s Service + StatefulSet), `empty`, or a multi-document YAML file')
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Number of nodes (n1..nN) with simulated kubelets')
            [CompletionResult]::new('--zones', '--zones', [CompletionResultType]::ParameterName, 'Spread the nodes over these zones in turn (topology.kubernetes.io/zone and /region), e.g. a,b,c')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (0 = any free port)')
            [CompletionResult]::new('--kubeconfig-out', '--kubeconfig-out', [CompletionResultType]::ParameterName, 'Write a kubeconfig for the simulated cluster to this path')
            [CompletionResult]::new('--node-grace', '--node-grace', [CompletionResultType]::ParameterName, 'Node-monitor grace period before a silent node becomes Unknown (kube-controller-manager default 50s)')
            [CompletionResult]::new('--toleration', '--toleration', [CompletionResultType]::ParameterName, 'Default not-ready/unreachable toleration added to pods (default 300s)')
            [CompletionResult]::new('--force-detach-after', '--force-detach-after', [CompletionResultType]::ParameterName, 'The attach/detach controller''s forced detach from an unhealthy node (6m upstream)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Speed-up for delays no object records (pod start, container stop)')
            [CompletionResult]::new('--fault', '--fault', [CompletionResultType]::ParameterName, 'Inject failures: VERB:RESOURCE:STATUS[:TIMES], e.g. list:pods:503:2 (repeatable; * matches any)')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Delay every request by this much (e.g. 200ms)')
            [CompletionResult]::new('--cut-watch-after', '--cut-watch-after', [CompletionResultType]::ParameterName, 'End every watch stream after this many events')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Accept this bearer token for USER (repeatable; the first goes into the kubeconfig)')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Deny USER the VERB on RESOURCE with 403 (repeatable), e.g. alice:list:nodes')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve HTTPS (a CA is generated and written into the kubeconfig); kubectl sends tokens only over TLS')
            [CompletionResult]::new('--no-anonymous', '--no-anonymous', [CompletionResultType]::ParameterName, 'Refuse requests without a token (401) instead of treating them as system:anonymous')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'Run the simulated cluster''s nodes against a real API server until interrupted: kubelets (node registration, Lease, status, pod lifecycle, volumes in use, power off/on by the `kubectl-sts.sim/power` annotation) and the external provisioners, CSI attacher and resizer of the `local-path`, `network`, `zonal` and `node-local` classes. The control plane''s own controllers (StatefulSet, scheduler, PV binder, attach/detach, node lifecycle …) must run there. Writes as the kubeconfig''s user (an admin: the nodes do not authenticate as `system:node:<name>`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;sim;nodes' {
            [CompletionResult]::new('--nodes', '--nodes', [CompletionResultType]::ParameterName, 'Number of nodes (n1..nN)')
            [CompletionResult]::new('--zones', '--zones', [CompletionResultType]::ParameterName, 'Zones the nodes are spread over in turn: a count (2: zone-a, zone-b) or names (a,b,c)')
            [CompletionResult]::new('--lease-renew', '--lease-renew', [CompletionResultType]::ParameterName, 'Node Lease renew interval (the kubelet''s default 10s; keep it well within the controller manager''s --node-monitor-grace-period)')
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Speed-up for delays no object records (pod start, container stop)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;sim;help' {
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'Run the simulated cluster''s nodes against a real API server until interrupted: kubelets (node registration, Lease, status, pod lifecycle, volumes in use, power off/on by the `kubectl-sts.sim/power` annotation) and the external provisioners, CSI attacher and resizer of the `local-path`, `network`, `zonal` and `node-local` classes. The control plane''s own controllers (StatefulSet, scheduler, PV binder, attach/detach, node lifecycle …) must run there. Writes as the kubeconfig''s user (an admin: the nodes do not authenticate as `system:node:<name>`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;sim;help;nodes' {
            break
        }
        'kubectl-sts;sim;help;help' {
            break
        }
        'kubectl-sts;demo' {
            [CompletionResult]::new('--speed', '--speed', [CompletionResultType]::ParameterName, 'Speed-up for delays no object records (pod start, container stop); timings objects record stay real')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;install-links' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The directory (default: the directory of the first kubectl-sts on PATH)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace (default: the context''s namespace)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color the output (NO_COLOR is honoured with auto)')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove the links instead (only links to kubectl-sts)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be done; change nothing')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'All namespaces')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log each API request to stderr (credentials redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-sts;help' {
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'One table with a row per ordinal: pod, node health, claims, volumes, DNS name, revision; and what is wrong')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'Scale one pod at a time, highest ordinal first; every pod must be Ready before each step and again after it. Claims are never deleted')
            [CompletionResult]::new('force-delete', 'force-delete', [CompletionResultType]::ParameterValue, 'Delete a pod stuck on a dead node with grace period 0, after proving the node dead; needs confirmation')
            [CompletionResult]::new('recover', 'recover', [CompletionResultType]::ParameterValue, 'Bring a pod stuck on a dead node back by the fastest safe path for its volumes (out-of-service taint, grace-0 delete, or waiting for the node), and follow it until Ready')
            [CompletionResult]::new('resize-storage', 'resize-storage', [CompletionResultType]::ParameterValue, 'Grow the volumes of one volumeClaimTemplate: every claim, then the set re-created with the bigger template (its pods keep running); resumable')
            [CompletionResult]::new('rollout', 'rollout', [CompletionResultType]::ParameterValue, 'Updates: status for every strategy, guarded one-pod-at-a-time rollouts, the stuck-rollout repair, restart')
            [CompletionResult]::new('release-node', 'release-node', [CompletionResultType]::ParameterValue, 'Remove the out-of-service taint from a node that is back (refused while it is still down)')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Node maintenance: a preflight that says what would block, then cordon and evict one pod at a time, never two pods of one StatefulSet down')
            [CompletionResult]::new('uncordon', 'uncordon', [CompletionResultType]::ParameterValue, 'Undo drain''s cordon (another''s only with --force) and follow the pods that waited for the node back to Ready')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'The risks a StatefulSet carries before they bite (budgets, retention, storage, placement, Service, probes; whether a drain would block), from the cluster or a manifest (-f). Read-only')
            [CompletionResult]::new('sim', 'sim', [CompletionResultType]::ParameterValue, 'Run a simulated Kubernetes API server on 127.0.0.1 (for tests, demos and rehearsals)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Tell the seed lab''s story on a simulated cluster: rollout, stable identity, scale, a dead node and its recovery')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell)')
            [CompletionResult]::new('install-links', 'install-links', [CompletionResultType]::ParameterValue, 'Create the plugin names (kubectl-sts_inspect …, for `kubectl sts-inspect`) as links beside the kubectl-sts that kubectl finds: one binary, no copies')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-sts;help;inspect' {
            break
        }
        'kubectl-sts;help;scale' {
            break
        }
        'kubectl-sts;help;force-delete' {
            break
        }
        'kubectl-sts;help;recover' {
            break
        }
        'kubectl-sts;help;resize-storage' {
            break
        }
        'kubectl-sts;help;rollout' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Per ordinal: revision, Ready/available, below or above the partition; the state in words. Exit 0 when done, 5 when not')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Perform an OnDelete update one pod at a time (or lower a partition with --to-partition), each step only when every pod is Ready and available')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Replace the pod an OrderedReady rolling update waits for forever (on an old revision, not Ready for --stuck-after), after confirmation')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'As kubectl rollout restart, refused while any pod is unhealthy, and followed to completion (OnDelete: performed as apply)')
            break
        }
        'kubectl-sts;help;rollout;status' {
            break
        }
        'kubectl-sts;help;rollout;apply' {
            break
        }
        'kubectl-sts;help;rollout;repair' {
            break
        }
        'kubectl-sts;help;rollout;restart' {
            break
        }
        'kubectl-sts;help;release-node' {
            break
        }
        'kubectl-sts;help;drain' {
            break
        }
        'kubectl-sts;help;uncordon' {
            break
        }
        'kubectl-sts;help;check' {
            break
        }
        'kubectl-sts;help;sim' {
            [CompletionResult]::new('nodes', 'nodes', [CompletionResultType]::ParameterValue, 'Run the simulated cluster''s nodes against a real API server until interrupted: kubelets (node registration, Lease, status, pod lifecycle, volumes in use, power off/on by the `kubectl-sts.sim/power` annotation) and the external provisioners, CSI attacher and resizer of the `local-path`, `network`, `zonal` and `node-local` classes. The control plane''s own controllers (StatefulSet, scheduler, PV binder, attach/detach, node lifecycle …) must run there. Writes as the kubeconfig''s user (an admin: the nodes do not authenticate as `system:node:<name>`)')
            break
        }
        'kubectl-sts;help;sim;nodes' {
            break
        }
        'kubectl-sts;help;demo' {
            break
        }
        'kubectl-sts;help;completion' {
            break
        }
        'kubectl-sts;help;install-links' {
            break
        }
        'kubectl-sts;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
