"""What runs on the brick (Python 3.5, rpyc 4.1.5): `brick setup` copies service.py and zygote.py there."""
