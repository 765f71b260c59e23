import ErratumCommands

ErratumCommand.main()
