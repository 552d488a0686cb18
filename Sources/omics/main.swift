import ArgumentParser
import OmicsCore
import OmicsIO

Omics.main()
