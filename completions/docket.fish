# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_docket_global_optspecs
    string join \n casebook= format= q/quiet as= h/help V/version
end

function __fish_docket_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_docket_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_docket_using_subcommand
    set -l cmd (__fish_docket_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c docket -n "__fish_docket_needs_command" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_needs_command" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_needs_command" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_needs_command" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_needs_command" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_needs_command" -f -a "init" -d 'Make a folder a casebook (git init, docket.toml, agents.toml)'
complete -c docket -n "__fish_docket_needs_command" -f -a "demo" -d 'Build a sample casebook with a dozen cases and list them'
complete -c docket -n "__fish_docket_needs_command" -f -a "create" -d 'Open a new case and print its ID'
complete -c docket -n "__fish_docket_needs_command" -f -a "show" -d 'Show a case: its fields, then its timeline'
complete -c docket -n "__fish_docket_needs_command" -f -a "list" -d 'List cases, with filters'
complete -c docket -n "__fish_docket_needs_command" -f -a "assign" -d 'Assign a case to an agent (or --unassign it)'
complete -c docket -n "__fish_docket_needs_command" -f -a "comment" -d 'Add a comment (customer-visible unless --internal)'
complete -c docket -n "__fish_docket_needs_command" -f -a "escalate" -d 'Raise a case\'s escalation level, with a reason'
complete -c docket -n "__fish_docket_needs_command" -f -a "set" -d 'Change priority, type, title, tags or custom fields'
complete -c docket -n "__fish_docket_needs_command" -f -a "wait" -d 'Wait for the customer (state awaiting-info)'
complete -c docket -n "__fish_docket_needs_command" -f -a "resolve" -d 'Propose a solution (state resolved)'
complete -c docket -n "__fish_docket_needs_command" -f -a "accept" -d 'Record that the customer accepted the solution (state closed)'
complete -c docket -n "__fish_docket_needs_command" -f -a "close" -d 'Close a resolved case, optionally with a satisfaction score'
complete -c docket -n "__fish_docket_needs_command" -f -a "reject" -d 'Record that the customer refused the solution (back to open)'
complete -c docket -n "__fish_docket_needs_command" -f -a "reopen" -d 'Reopen a waiting, resolved, closed or cancelled case'
complete -c docket -n "__fish_docket_needs_command" -f -a "cancel" -d 'Cancel a case (no resolution)'
complete -c docket -n "__fish_docket_needs_command" -f -a "autoclose" -d 'Close resolved cases whose customer did not answer within the auto-close window'
complete -c docket -n "__fish_docket_needs_command" -f -a "log" -d 'Show a case\'s history from Git, newest first'
complete -c docket -n "__fish_docket_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c docket -n "__fish_docket_needs_command" -f -a "generate-files" -d 'Regenerate completions/ and man/ (for docket\'s developers)'
complete -c docket -n "__fish_docket_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docket -n "__fish_docket_using_subcommand init" -l prefix -d 'ID prefix for new cases' -r
complete -c docket -n "__fish_docket_using_subcommand init" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand init" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand init" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand init" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand init" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand demo" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand demo" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand demo" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand demo" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand demo" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand create" -s t -l title -d 'One-line summary of the customer\'s question or problem' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l type -d 'Case type (from docket.toml `types`)' -r
complete -c docket -n "__fish_docket_using_subcommand create" -s p -l priority -d 'Priority (from docket.toml `priorities`, e.g. P1)' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l account -d 'Customer account' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l contact -d 'Customer contact (a person\'s name or address)' -r
complete -c docket -n "__fish_docket_using_subcommand create" -s b -l body -d 'The first message; `-` reads it from stdin' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l field -d 'Custom field, KEY=VALUE (repeatable)' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l tag -d 'Tag (repeatable)' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l channel -d 'Channel the case came in through (email, phone, chat, web, sms, social)' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l from -d 'Record the first message as the customer\'s: `customer` (the contact) or a name' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l assign -d 'Assign the new case to this agent right away' -r
complete -c docket -n "__fish_docket_using_subcommand create" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand create" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand create" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand create" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand create" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand show" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand show" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand show" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand show" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand show" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand list" -l state -d 'Only cases in this state (repeatable)' -r
complete -c docket -n "__fish_docket_using_subcommand list" -s p -l priority -d 'Only cases with this priority (repeatable)' -r
complete -c docket -n "__fish_docket_using_subcommand list" -l assignee -d 'Only cases assigned to this agent (`none` for unassigned)' -r
complete -c docket -n "__fish_docket_using_subcommand list" -l account -d 'Only cases of this account' -r
complete -c docket -n "__fish_docket_using_subcommand list" -l type -d 'Only cases of this type' -r
complete -c docket -n "__fish_docket_using_subcommand list" -l tag -d 'Only cases with this tag (repeatable: all must match)' -r
complete -c docket -n "__fish_docket_using_subcommand list" -l sort -d 'Sort order' -r -f -a "priority\t'Most urgent priority first, then oldest'
created\t'Newest first'
updated\t'Most recently updated first'
id\t'By ID'
state\t'By state in lifecycle order'"
complete -c docket -n "__fish_docket_using_subcommand list" -s n -l limit -d 'Show at most N cases' -r
complete -c docket -n "__fish_docket_using_subcommand list" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand list" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand list" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand list" -l mine -d 'Only cases assigned to me (--as, or my Git identity)'
complete -c docket -n "__fish_docket_using_subcommand list" -l open -d 'Only open cases (not closed or cancelled)'
complete -c docket -n "__fish_docket_using_subcommand list" -l header -d 'Print a header line in tsv format'
complete -c docket -n "__fish_docket_using_subcommand list" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand list" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand assign" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand assign" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand assign" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand assign" -l unassign -d 'Remove the assignee'
complete -c docket -n "__fish_docket_using_subcommand assign" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand assign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand assign" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand comment" -s m -l message -d 'The comment text' -r
complete -c docket -n "__fish_docket_using_subcommand comment" -s F -l file -d 'Read the comment from a file' -r -F
complete -c docket -n "__fish_docket_using_subcommand comment" -l channel -d 'Channel (default: docket.toml default_channel)' -r
complete -c docket -n "__fish_docket_using_subcommand comment" -l from -d 'Record the customer\'s words: `customer` (the case\'s contact) or a name' -r
complete -c docket -n "__fish_docket_using_subcommand comment" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand comment" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand comment" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand comment" -l internal -d 'An internal work note, not visible to the customer'
complete -c docket -n "__fish_docket_using_subcommand comment" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand comment" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand comment" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand escalate" -s r -l reason -d 'Why the case is escalated' -r
complete -c docket -n "__fish_docket_using_subcommand escalate" -l team -d 'Hand the case to this team (from agents.toml)' -r
complete -c docket -n "__fish_docket_using_subcommand escalate" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand escalate" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand escalate" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand escalate" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand escalate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand escalate" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand set" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand set" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand set" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand set" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand set" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand wait" -s r -l reason -d 'Why (recorded in the timeline)' -r
complete -c docket -n "__fish_docket_using_subcommand wait" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand wait" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand wait" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand wait" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand wait" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand wait" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand resolve" -s r -l resolution -d 'The proposed solution' -r
complete -c docket -n "__fish_docket_using_subcommand resolve" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand resolve" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand resolve" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand resolve" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand resolve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand resolve" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand accept" -l csat -d 'Customer satisfaction score, 1 (bad) to 5 (great)' -r
complete -c docket -n "__fish_docket_using_subcommand accept" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand accept" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand accept" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand accept" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand accept" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand accept" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand close" -l csat -d 'Customer satisfaction score, 1 (bad) to 5 (great)' -r
complete -c docket -n "__fish_docket_using_subcommand close" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand close" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand close" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand close" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand close" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand close" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand reject" -s r -l reason -d 'Why (recorded in the timeline)' -r
complete -c docket -n "__fish_docket_using_subcommand reject" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand reject" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand reject" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand reject" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand reject" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand reject" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand reopen" -s r -l reason -d 'Why (recorded in the timeline)' -r
complete -c docket -n "__fish_docket_using_subcommand reopen" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand reopen" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand reopen" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand reopen" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand reopen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand reopen" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand cancel" -s r -l reason -d 'Why (recorded in the timeline)' -r
complete -c docket -n "__fish_docket_using_subcommand cancel" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand cancel" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand cancel" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand cancel" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand cancel" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand autoclose" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand autoclose" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand autoclose" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand autoclose" -l dry-run -d 'Show what would be closed without writing'
complete -c docket -n "__fish_docket_using_subcommand autoclose" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand autoclose" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand autoclose" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand log" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand log" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand log" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand log" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand log" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand completions" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand completions" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand completions" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand completions" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand completions" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand generate-files" -l casebook -d 'Use the casebook in DIR (default: the nearest folder holding docket.toml)' -r -F
complete -c docket -n "__fish_docket_using_subcommand generate-files" -l format -d 'Output format for data' -r -f -a "table\t'Human-readable tables and text'
json\t'JSON (stable field names, documented in the README)'
tsv\t'Tab-separated values, one record per line, ID first'"
complete -c docket -n "__fish_docket_using_subcommand generate-files" -l as -d 'Act as this agent (a handle from agents.toml) instead of your Git identity' -r
complete -c docket -n "__fish_docket_using_subcommand generate-files" -s q -l quiet -d 'Print only data: no status messages'
complete -c docket -n "__fish_docket_using_subcommand generate-files" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docket -n "__fish_docket_using_subcommand generate-files" -s V -l version -d 'Print version'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "init" -d 'Make a folder a casebook (git init, docket.toml, agents.toml)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "demo" -d 'Build a sample casebook with a dozen cases and list them'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "create" -d 'Open a new case and print its ID'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "show" -d 'Show a case: its fields, then its timeline'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "list" -d 'List cases, with filters'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "assign" -d 'Assign a case to an agent (or --unassign it)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "comment" -d 'Add a comment (customer-visible unless --internal)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "escalate" -d 'Raise a case\'s escalation level, with a reason'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "set" -d 'Change priority, type, title, tags or custom fields'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "wait" -d 'Wait for the customer (state awaiting-info)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "resolve" -d 'Propose a solution (state resolved)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "accept" -d 'Record that the customer accepted the solution (state closed)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "close" -d 'Close a resolved case, optionally with a satisfaction score'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "reject" -d 'Record that the customer refused the solution (back to open)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "reopen" -d 'Reopen a waiting, resolved, closed or cancelled case'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "cancel" -d 'Cancel a case (no resolution)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "autoclose" -d 'Close resolved cases whose customer did not answer within the auto-close window'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "log" -d 'Show a case\'s history from Git, newest first'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "completions" -d 'Print a shell completion script'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "generate-files" -d 'Regenerate completions/ and man/ (for docket\'s developers)'
complete -c docket -n "__fish_docket_using_subcommand help; and not __fish_seen_subcommand_from init demo create show list assign comment escalate set wait resolve accept close reject reopen cancel autoclose log completions generate-files help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
