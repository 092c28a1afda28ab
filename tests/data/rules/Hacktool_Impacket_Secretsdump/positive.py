# test sample
from impacket.examples.secretsdump import LocalOperations, NTDSHashes, LSASecrets
