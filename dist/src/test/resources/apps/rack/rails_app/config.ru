# A minimal Rails-shaped directory for --rails: config.ru loads config/environment.rb.
require_relative "config/environment"
run RailsLike::Application
