<?php
/* test sample: the usual packed web shell wrapper, payload is harmless text */
eval(gzinflate(base64_decode("S0ktLgEA")));
?>
