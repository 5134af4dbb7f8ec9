module Helper; NAME = "helper"; end
