"""deploying"""
