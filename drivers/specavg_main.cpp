// specavg: the command-line driver (subcommands in src/app/).
#include "specavg/app/commands.hpp"

int main(int argc, char** argv) { return specavg::run_cli(argc, argv); }
