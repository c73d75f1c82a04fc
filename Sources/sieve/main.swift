import SieveCommands
SieveCommand.main()
