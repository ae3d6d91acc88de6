import Glibc

exit(ExporterCLI.main(Array(CommandLine.arguments.dropFirst())))
