import Glibc

exit(FleetCLI.main(Array(CommandLine.arguments.dropFirst())))
