"""SD-card personalisation for kiosks (``kiosk-provision``) and the golden image recipe.

``kiosk-provision`` reads a kiosks CSV and a Raspberry Pi OS image and writes one
personalised image per kiosk (or one card), without root: the partition table is
read from the image and files are put into the FAT boot partition with mtools.
The golden image itself is built by the pi-gen stage in ``pi-gen/``.
"""
