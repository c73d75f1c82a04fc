import SieveCore
