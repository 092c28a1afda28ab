# packet parsing helper
from impacket import ImpactDecoder
decoder = ImpactDecoder.EthDecoder()
