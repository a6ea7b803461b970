# Sourced by scripts/install.sh and scripts/uninstall.sh: the one parser of their options.
#   parse_prefix_option HELP_LINES USAGE "$@"
# sets $prefix from --prefix DIR or --prefix=DIR (empty when not given); -h prints lines
# HELP_LINES (e.g. 2,13) of the calling script's header; anything else is a usage error.
parse_prefix_option() {
    local help=$1 usage=$2 name
    name=$(basename "$0")
    shift 2
    prefix=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
            --prefix=*) prefix=${1#--prefix=}; shift ;;
            -h|--help) sed -n "${help}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
            *) echo "$name: unknown argument '$1' (usage: $usage)" >&2; exit 2 ;;
        esac
    done
}
