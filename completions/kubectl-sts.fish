# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_sts_global_optspecs
    string join \n kubeconfig= context= n/namespace= A/all-namespaces request-timeout= o/output= color= v/verbose h/help V/version
end

function __fish_kubectl_sts_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_sts_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_sts_using_subcommand
    set -l cmd (__fish_kubectl_sts_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "inspect" -d 'One table with a row per ordinal: pod, node health, claims, volumes, DNS name, revision; and what is wrong'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "scale" -d 'Scale one pod at a time, highest ordinal first; every pod must be Ready before each step and again after it. Claims are never deleted'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "force-delete" -d 'Delete a pod stuck on a dead node with grace period 0, after proving the node dead; needs confirmation'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "recover" -d 'Bring a pod stuck on a dead node back by the fastest safe path for its volumes (out-of-service taint, grace-0 delete, or waiting for the node), and follow it until Ready'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "resize-storage" -d 'Grow the volumes of one volumeClaimTemplate: every claim, then the set re-created with the bigger template (its pods keep running); resumable'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "rollout" -d 'Updates: status for every strategy, guarded one-pod-at-a-time rollouts, the stuck-rollout repair, restart'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "release-node" -d 'Remove the out-of-service taint from a node that is back (refused while it is still down)'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "drain" -d 'Node maintenance: a preflight that says what would block, then cordon and evict one pod at a time, never two pods of one StatefulSet down'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "uncordon" -d 'Undo drain\'s cordon (another\'s only with --force) and follow the pods that waited for the node back to Ready'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "check" -d 'The risks a StatefulSet carries before they bite (budgets, retention, storage, placement, Service, probes; whether a drain would block), from the cluster or a manifest (-f). Read-only'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "sim" -d 'Run a simulated Kubernetes API server on 127.0.0.1 (for tests, demos and rehearsals)'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "demo" -d 'Tell the seed lab\'s story on a simulated cluster: rollout, stable identity, scale, a dead node and its recovery'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "install-links" -d 'Create the plugin names (kubectl-sts_inspect …, for `kubectl sts-inspect`) as links beside the kubectl-sts that kubectl finds: one binary, no copies'
complete -c kubectl-sts -n "__fish_kubectl_sts_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -l cluster-domain -d 'Cluster DNS domain for the stable names' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -l fail-on-problems -d 'Exit with code 5 when problems (warnings or errors) are found'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -s w -l watch -d 'Redraw whenever the set, its pods, claims or nodes change'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -l usage -d 'The overview: add each set\'s fullest claim (FULLEST), from the kubelets\' volume stats — one request per node that runs a StatefulSet pod. `inspect NAME` always reads them (USED)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l replicas -d 'The number of replicas to reach' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l max-steps -d 'Refuse a scale of more steps than this (each step is one pod and a wait)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l timeout -d 'Longest wait for each step (the removed pod gone, or the added one Ready, and all others Ready); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l current-replicas -d 'Proceed only if spec.replicas is this now (as kubectl scale --current-replicas)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l break-lease -d 'Take the set\'s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l dry-run -d 'Check the guards and print the plan; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -l allow-claim-deletion -d 'Accept that a persistentVolumeClaimRetentionPolicy of whenScaled: Delete makes the StatefulSet controller delete the removed pods\' claims (refused otherwise)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand scale" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l node-silence -d 'How long the node\'s kubelet must have been silent (no Lease renewal, no status heartbeat) before the node counts as dead' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l timeout -d 'Longest wait with --wait; 0 = no limit' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -s y -l yes -d 'Confirm without a prompt (needed when stdin is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l dry-run -d 'Check eligibility and print the evidence; delete nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -l wait -d 'Wait for the replacement pod to be Ready'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand force-delete" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l node-silence -d 'How long the node\'s kubelet must have been silent before the node counts as dead' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l abandon-data -d 'With a volume pinned to the dead node: give up its data. Deletes the pod and the ordinal\'s claims (named exactly, comma-separated; typed at the prompt otherwise), so that the StatefulSet controller creates empty ones' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l node-is-off -d 'Assert that the machine behind NODE is really off (powered down, not only unreachable): needed with --yes on the out-of-service path, which deletes every pod on the node without its kubelet confirming. Not needed where the node already has the taint' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l timeout -d 'Longest wait for the ordinal to be Ready again; 0 = no limit' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -s y -l yes -d 'Confirm without a prompt (needed when stdin is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l dry-run -d 'Print the evidence, the path and what would be written; write nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -l wait -d 'With a volume pinned to the dead node: wait for the node to return'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand recover" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l template -d 'The volumeClaimTemplate to grow (default: the set\'s only one)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l size -d 'The new size (a Kubernetes quantity, e.g. 5Gi); it only grows, by at most 10× unless --allow-large-growth' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l timeout -d 'Longest wait of each stage (the claims\' resize, the delete, the adoption); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l allow-large-growth -d 'Allow a size more than ten times the current one (a claim never shrinks again)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l allow-managed -d 'Resize a set that an operator, Argo CD or Flux manages: its source already has the new size'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -s y -l yes -d 'Confirm without a prompt (needed when stdin is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -l dry-run -d 'Check the preflight and print the plan; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand resize-storage" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -f -a "status" -d 'Per ordinal: revision, Ready/available, below or above the partition; the state in words. Exit 0 when done, 5 when not'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -f -a "apply" -d 'Perform an OnDelete update one pod at a time (or lower a partition with --to-partition), each step only when every pod is Ready and available'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -f -a "repair" -d 'Replace the pod an OrderedReady rolling update waits for forever (on an old revision, not Ready for --stuck-after), after confirmation'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -f -a "restart" -d 'As kubectl rollout restart, refused while any pod is unhealthy, and followed to completion (OnDelete: performed as apply)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and not __fish_seen_subcommand_from status apply repair restart help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l timeout -d 'Longest wait with --watch; 0 = no limit' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l stuck-after -d 'A pod not Ready for longer than this makes the rollout "stuck"' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s w -l watch -d 'Wait (watch-driven) until the rollout is done'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l to-partition -d 'RollingUpdate with a partition: lower it to N, maxUnavailable ordinals at a time' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l timeout -d 'Longest wait for each step (its pods back on the update revision and available); 0 = no limit. Also bounds the wait before each write for what settles by itself (a pod inside minReadySeconds, a terminating pod, the controller catching up), which ends at its own expected maximum even with 0' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l break-lease -d 'Take the set\'s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -l dry-run -d 'Check the guards and print the plan; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l stuck-after -d 'How long a pod must have been not Ready to count as stuck' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l timeout -d 'Longest wait for the replacement to be available (at the update revision, or the current one below a partition); 0 = no limit' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l break-lease -d 'Take the set\'s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -s y -l yes -d 'Confirm without a prompt (needed when stdin is not a terminal)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -l dry-run -d 'Show the evidence and what would be deleted; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from repair" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l timeout -d 'Longest the whole restart may take, every wait included (the controller observing the change, a pod stuck Terminating, each pod\'s replacement); a pod not Ready for that long also stops it; 0 = no limit (the wait before each write for what settles by itself still ends at its own expected maximum)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l break-lease -d 'Take the set\'s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -l dry-run -d 'Check the guards and say what would happen; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "status" -d 'Per ordinal: revision, Ready/available, below or above the partition; the state in words. Exit 0 when done, 5 when not'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Perform an OnDelete update one pod at a time (or lower a partition with --to-partition), each step only when every pod is Ready and available'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "repair" -d 'Replace the pod an OrderedReady rolling update waits for forever (on an old revision, not Ready for --stuck-after), after confirmation'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "restart" -d 'As kubectl rollout restart, refused while any pod is unhealthy, and followed to completion (OnDelete: performed as apply)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand rollout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -l node-silence -d 'How recently the node\'s kubelet must have reported for the node to count as back' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -l dry-run -d 'Check and say what would be done; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand release-node" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l pinned -d 'Pods whose volume only this node holds: refuse (default), or wait — evicted last, Pending until the node returns' -r -f -a "refuse\t''
wait\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l timeout -d 'Longest wait for one pod (its set\'s disruption Lease, its eviction allowed, its replacement available); 0 = no limit' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l node-silence -d 'A kubelet silent for longer than this makes the node dead: not drained' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -s l -l pod-selector -d 'Only the node\'s pods that match this label selector (as kubectl drain)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l grace-period -d 'Seconds each evicted pod gets to terminate; -1 (default) = the pod\'s own (as kubectl drain). A StatefulSet pod is never evicted with 0' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l skip-wait-for-delete-timeout -d 'Do not wait for a pod deleted longer ago than this (as kubectl drain); 0 = always wait' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l parallel-sets -d 'How many StatefulSets are drained at once (each still one pod at a time)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l break-lease -d 'Take the set\'s disruption Lease over from HOLDER (as a refusal names it) without waiting for it to expire: only when that kubectl-sts process is gone for good, or hung while still renewing it. Naming the holder is the confirmation; every guard still runs (a live holder stops before its next write)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l dry-run -d 'Run the preflight and print the plan; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l ignore-daemonsets -d 'Leave DaemonSet pods (as kubectl drain)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l delete-emptydir-data -d 'Evict pods with emptyDir data, which is lost (as kubectl drain)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l force -d 'Evict pods that no controller manages (as kubectl drain)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l allow-downtime -d 'Evict the only replica of a StatefulSet (the set is down until it runs elsewhere); with --pinned wait, also two or more pods of one set left Pending together'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -l allow-update -d 'Evict a StatefulSet pod that comes back at another revision than the one it runs (OnDelete with an update pending, a partition boundary)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand drain" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -l timeout -d 'Longest wait for the pods that waited for this node to be Ready again; 0 = no limit' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -l force -d 'Uncordon a node that kubectl sts drain did not cordon'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -l dry-run -d 'Say what would be done; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand uncordon" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -s f -l filename -d 'Check a manifest instead of the cluster: a file, or - for stdin (helm template, kustomize build). No kubeconfig is read' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l fail-on -d 'Exit 5 when a finding at or above this severity is left' -r -f -a "error\t''
warning\t''
info\t''
none\t'Never: report only'"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l ignore -d 'Leave these checks out (comma-separated IDs, e.g. STS015,STS019)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l list -d 'Print every check (ID, severity, what it finds, what it rests on) and exit'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -l usage -d 'Without NAME: run STS023 (volumes filling up) too, which asks each node that runs one of the sets\' pods for its kubelet\'s volume stats (one request per node; get nodes/proxy). A single set (NAME) is always checked'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand check" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l scenario -d 'What the cluster starts with: `seed` (the lab\'s Service + StatefulSet), `empty`, or a multi-document YAML file' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l nodes -d 'Number of nodes (n1..nN) with simulated kubelets' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l zones -d 'Spread the nodes over these zones in turn (topology.kubernetes.io/zone and /region), e.g. a,b,c' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l port -d 'Port to listen on (0 = any free port)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l kubeconfig-out -d 'Write a kubeconfig for the simulated cluster to this path' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l node-grace -d 'Node-monitor grace period before a silent node becomes Unknown (kube-controller-manager default 50s)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l toleration -d 'Default not-ready/unreachable toleration added to pods (default 300s)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l force-detach-after -d 'The attach/detach controller\'s forced detach from an unhealthy node (6m upstream)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l speed -d 'Speed-up for delays no object records (pod start, container stop)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l fault -d 'Inject failures: VERB:RESOURCE:STATUS[:TIMES], e.g. list:pods:503:2 (repeatable; * matches any)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l latency -d 'Delay every request by this much (e.g. 200ms)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l cut-watch-after -d 'End every watch stream after this many events' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l token -d 'Accept this bearer token for USER (repeatable; the first goes into the kubeconfig)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l deny -d 'Deny USER the VERB on RESOURCE with 403 (repeatable), e.g. alice:list:nodes' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l tls -d 'Serve HTTPS (a CA is generated and written into the kubeconfig); kubectl sends tokens only over TLS'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -l no-anonymous -d 'Refuse requests without a token (401) instead of treating them as system:anonymous'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -f -a "nodes" -d 'Run the simulated cluster\'s nodes against a real API server until interrupted: kubelets (node registration, Lease, status, pod lifecycle, volumes in use, power off/on by the `kubectl-sts.sim/power` annotation) and the external provisioners, CSI attacher and resizer of the `local-path`, `network`, `zonal` and `node-local` classes. The control plane\'s own controllers (StatefulSet, scheduler, PV binder, attach/detach, node lifecycle …) must run there. Writes as the kubeconfig\'s user (an admin: the nodes do not authenticate as `system:node:<name>`)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and not __fish_seen_subcommand_from nodes help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l nodes -d 'Number of nodes (n1..nN)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l zones -d 'Zones the nodes are spread over in turn: a count (2: zone-a, zone-b) or names (a,b,c)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l lease-renew -d 'Node Lease renew interval (the kubelet\'s default 10s; keep it well within the controller manager\'s --node-monitor-grace-period)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l speed -d 'Speed-up for delays no object records (pod start, container stop)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from nodes" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from help" -f -a "nodes" -d 'Run the simulated cluster\'s nodes against a real API server until interrupted: kubelets (node registration, Lease, status, pod lifecycle, volumes in use, power off/on by the `kubectl-sts.sim/power` annotation) and the external provisioners, CSI attacher and resizer of the `local-path`, `network`, `zonal` and `node-local` classes. The control plane\'s own controllers (StatefulSet, scheduler, PV binder, attach/detach, node lifecycle …) must run there. Writes as the kubeconfig\'s user (an admin: the nodes do not authenticate as `system:node:<name>`)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand sim; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l speed -d 'Speed-up for delays no object records (pod start, container stop); timings objects record stay real' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand demo" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -l dir -d 'The directory (default: the directory of the first kubectl-sts on PATH)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)' -r -F
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -l context -d 'The kubeconfig context to use' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -s n -l namespace -d 'Namespace (default: the context\'s namespace)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -l request-timeout -d 'Time to wait for each API request (e.g. 10s, 1m; 0 = no limit)' -r
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -s o -l output -d 'Output format' -r -f -a "table\t''
wide\t''
json\t''
yaml\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -l color -d 'When to color the output (NO_COLOR is honoured with auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -l remove -d 'Remove the links instead (only links to kubectl-sts)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -l dry-run -d 'Say what would be done; change nothing'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -s A -l all-namespaces -d 'All namespaces'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -s v -l verbose -d 'Log each API request to stderr (credentials redacted)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -s h -l help -d 'Print help'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand install-links" -s V -l version -d 'Print version'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "inspect" -d 'One table with a row per ordinal: pod, node health, claims, volumes, DNS name, revision; and what is wrong'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "scale" -d 'Scale one pod at a time, highest ordinal first; every pod must be Ready before each step and again after it. Claims are never deleted'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "force-delete" -d 'Delete a pod stuck on a dead node with grace period 0, after proving the node dead; needs confirmation'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "recover" -d 'Bring a pod stuck on a dead node back by the fastest safe path for its volumes (out-of-service taint, grace-0 delete, or waiting for the node), and follow it until Ready'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "resize-storage" -d 'Grow the volumes of one volumeClaimTemplate: every claim, then the set re-created with the bigger template (its pods keep running); resumable'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "rollout" -d 'Updates: status for every strategy, guarded one-pod-at-a-time rollouts, the stuck-rollout repair, restart'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "release-node" -d 'Remove the out-of-service taint from a node that is back (refused while it is still down)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "drain" -d 'Node maintenance: a preflight that says what would block, then cordon and evict one pod at a time, never two pods of one StatefulSet down'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "uncordon" -d 'Undo drain\'s cordon (another\'s only with --force) and follow the pods that waited for the node back to Ready'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "check" -d 'The risks a StatefulSet carries before they bite (budgets, retention, storage, placement, Service, probes; whether a drain would block), from the cluster or a manifest (-f). Read-only'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "sim" -d 'Run a simulated Kubernetes API server on 127.0.0.1 (for tests, demos and rehearsals)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "demo" -d 'Tell the seed lab\'s story on a simulated cluster: rollout, stable identity, scale, a dead node and its recovery'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "install-links" -d 'Create the plugin names (kubectl-sts_inspect …, for `kubectl sts-inspect`) as links beside the kubectl-sts that kubectl finds: one binary, no copies'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and not __fish_seen_subcommand_from inspect scale force-delete recover resize-storage rollout release-node drain uncordon check sim demo completion install-links help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "status" -d 'Per ordinal: revision, Ready/available, below or above the partition; the state in words. Exit 0 when done, 5 when not'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "apply" -d 'Perform an OnDelete update one pod at a time (or lower a partition with --to-partition), each step only when every pod is Ready and available'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "repair" -d 'Replace the pod an OrderedReady rolling update waits for forever (on an old revision, not Ready for --stuck-after), after confirmation'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from rollout" -f -a "restart" -d 'As kubectl rollout restart, refused while any pod is unhealthy, and followed to completion (OnDelete: performed as apply)'
complete -c kubectl-sts -n "__fish_kubectl_sts_using_subcommand help; and __fish_seen_subcommand_from sim" -f -a "nodes" -d 'Run the simulated cluster\'s nodes against a real API server until interrupted: kubelets (node registration, Lease, status, pod lifecycle, volumes in use, power off/on by the `kubectl-sts.sim/power` annotation) and the external provisioners, CSI attacher and resizer of the `local-path`, `network`, `zonal` and `node-local` classes. The control plane\'s own controllers (StatefulSet, scheduler, PV binder, attach/detach, node lifecycle …) must run there. Writes as the kubeconfig\'s user (an admin: the nodes do not authenticate as `system:node:<name>`)'
